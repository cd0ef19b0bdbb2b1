/**
 * Image processing with retries: a flaky step, retried with exponential backoff.
 *
 * `resize_image` fails on its first two attempts (the image store is "warming up"), then
 * succeeds. Retries waits between attempts: about `minBackoff` ms before the first retry,
 * doubling each time (with jitter), never more than `maxBackoff`; after `maxRetries` retries the
 * message goes to the dead-letter queue.
 *
 *   rehearsal worker examples/image-processing.ts
 *   rehearsal enqueue resize_image --args '["cat.png", 320]'
 *   rehearsal journal --format table     # started, failed, retry_scheduled, ... succeeded
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { actor, CurrentMessage } from '../core/index.ts';

/** A transient failure of the image store. */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
}

/**
 * Resizes `file` to `width` pixels (simulated); fails on the first two attempts. Returns the new
 * file name, kept by the Results middleware because of `storeResults: true`.
 */
async function resizeImage(file: string, width: number): Promise<string> {
  // Retries counts earlier failures in the message's `retries` option.
  const retries = Number(CurrentMessage.getCurrentMessage()?.options.retries ?? 0);
  if (retries < 2) throw new StoreUnavailable(`image store not ready (attempt ${retries + 1})`);
  await sleep(200); // decoding, resampling, encoding
  return `${file.replace(/\.\w+$/, '')}-${width}w.png`;
}

export const resize_image = actor(resizeImage, {
  actorName: 'resize_image',
  queueName: 'images',
  maxRetries: 5,
  // ms: first retry after ~0.5–1 s, then ~1–2 s, ~2–4 s ...
  minBackoff: 1_000,
  maxBackoff: 30_000,
  storeResults: true,
});
