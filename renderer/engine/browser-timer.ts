/**
 * The browser's timers as the Engine API client's injected timer (`ClientTimer`), so calls time
 * out and refused subscriptions are retried.
 */
import type { ClientTimer } from '../../core/host/api/index.ts';

/** A `ClientTimer` over `window.setTimeout`. */
export const browserTimer: ClientTimer = {
  setTimer(delayMs, fn) {
    const id = window.setTimeout(fn, delayMs);
    return { cancel: () => window.clearTimeout(id) };
  },
};
