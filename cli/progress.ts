/**
 * Progress of long work on stderr, only when stderr is a terminal (never in pipes or logs).
 */

/** A stream that may be a terminal. */
export type MaybeTty = { write(s: string): unknown; isTTY?: boolean };

/** A progress line: `update` redraws it at most every 100 ms; `done` clears it. */
export type Progress = { update(done: number): void; done(): void };

/** A progress line for `total` items of work labelled `label` (silent when not a TTY). */
export function progress(stream: MaybeTty, label: string, total: number): Progress {
  if (!stream.isTTY || total <= 0) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  const draw = (n: number): void => {
    const pct = Math.floor((n / total) * 100);
    stream.write(`\r${label}: ${n}/${total} (${pct}%)`);
    shown = true;
  };
  return {
    update(n) {
      const now = Date.now();
      if (now - last < 100 && n < total) return;
      last = now;
      draw(n);
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}

/** A status line of free text: `update` redraws it at most every 100 ms; `done` clears it. */
export type StatusLine = { update(text: string): void; done(): void };

/** A status line on `stream` (silent when not a TTY), for work whose total is not known. */
export function statusLine(stream: MaybeTty): StatusLine {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\u001b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
