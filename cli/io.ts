/**
 * What a command may touch of its process: streams, environment, working directory. Passing it in
 * (instead of reading `process` everywhere) keeps commands easy to reason about and to test.
 */
import type { MaybeTty } from './progress.ts';

/** An output stream (stdout or stderr). */
export type OutStream = MaybeTty & {
  columns?: number;
  once?(event: 'drain', listener: () => void): unknown;
};

/** The process surroundings of a command. */
export type Io = {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Absolute path of bin/rehearsal.js, to start worker child processes. */
  readonly bin: string;
};

/** The real process's `Io`. */
export function processIo(bin: string): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    bin,
  };
}

/** Writes `text` and waits for the stream to drain when its buffer is full (large exports). */
export async function writeOut(stream: OutStream, text: string): Promise<void> {
  const ok = stream.write(text);
  if (ok === false && stream.once) {
    await new Promise<void>((resolve) => stream.once!('drain', resolve));
  }
}
