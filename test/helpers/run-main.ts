/**
 * Runs the CLI's `main(argv, io)` in this process, as bin/rehearsal.js would but without a child
 * process (about 1,000× cheaper than spawning), capturing what it prints.
 */
import type { Io, OutStream } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';

/** What a finished command printed and returned. */
export type MainResult = { code: number; stdout: string; stderr: string };

/** A stream that keeps what is written to it. */
function sink(): OutStream & { text: string } {
  const s = {
    text: '',
    isTTY: false,
    write(chunk: string): boolean {
      s.text += chunk;
      return true;
    },
  };
  return s as OutStream & { text: string };
}

/**
 * Runs `rehearsal ...argv` in `cwd` (an empty environment: tests always pass --db).
 * @throws Error when the command runs longer than `timeoutMs`.
 */
export async function runMain(
  argv: readonly string[],
  opts: { cwd: string; timeoutMs?: number },
): Promise<MainResult> {
  const stdout = sink();
  const stderr = sink();
  const io: Io = { stdout, stderr, env: {}, cwd: opts.cwd, bin: 'rehearsal' };
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    main(argv, io),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`rehearsal ${JSON.stringify(argv)} did not end`)),
        opts.timeoutMs ?? 20_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return { code, stdout: stdout.text, stderr: stderr.text };
}
