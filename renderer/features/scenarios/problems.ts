/**
 * The problems of a failed scenario load or fork, each with its JSON path (from the error's
 * `details.problems`, or the message itself when there are none).
 */
import type { EngineApiError } from '../../../core/host/api/index.ts';

export type Problem = { path: string; message: string };

export function problemsOf(err: EngineApiError): Problem[] {
  const raw = err.details.problems;
  if (Array.isArray(raw)) {
    const list = raw.flatMap((p) => {
      const o = p as { path?: unknown; message?: unknown };
      return typeof o.message === 'string'
        ? [
            {
              path: typeof o.path === 'string' ? o.path.replace(/^scenario\.?/, '') : '',
              message: o.message,
            },
          ]
        : [];
    });
    if (list.length > 0) return list;
  }
  const path = typeof err.details.path === 'string' ? err.details.path : '';
  return [{ path, message: err.message }];
}
