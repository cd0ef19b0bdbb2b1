/**
 * Calling an external API with `retryWhen`: retry only the errors worth retrying.
 *
 * A "503 Service Unavailable" is worth another try; a "404 Not Found" is not. `retryWhen`
 * decides from the number of retries so far and the error; it replaces `maxRetries`.
 *
 *   rehearsal worker examples/external-api.ts
 *   rehearsal enqueue fetch_exchange_rate --args '["EUR"]'   # flaky: retried until it works
 *   rehearsal enqueue fetch_exchange_rate --args '["XXX"]'   # unknown: dead-lettered at once
 *   rehearsal dlq list
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { actor } from '../core/index.ts';

/** An HTTP error response from the (simulated) API. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${status} ${message}`);
  }
}

const RATES: Record<string, number> = { EUR: 1.08, GBP: 1.27, JPY: 0.0067 };

/** Fetches the USD rate of `currency`; the simulated API fails half of the time with a 503. */
async function fetchExchangeRate(currency: string): Promise<number> {
  await sleep(50); // the network round trip
  const rate = RATES[currency];
  if (rate === undefined) throw new HttpError(404, `no rate for ${currency}`);
  if (Math.random() < 0.5) throw new HttpError(503, 'service unavailable, try again later');
  return rate;
}

/**
 * Retry 5xx responses (server trouble) up to 10 times; never retry 4xx (our request is wrong).
 * The error is matched by its text rather than `instanceof`: when actors run in worker threads,
 * the worker sees a copy of the error that keeps its name and message, not its class.
 */
function retryServerErrors(retries: number, error: unknown): boolean {
  const status = Number(/^(\d{3}) /.exec(error instanceof Error ? error.message : '')?.[1]);
  return retries < 10 && status >= 500;
}

export const fetch_exchange_rate = actor(fetchExchangeRate, {
  actorName: 'fetch_exchange_rate',
  queueName: 'api',
  retryWhen: retryServerErrors,
  minBackoff: 500,
  maxBackoff: 5_000,
  storeResults: true,
});
