/**
 * The actors of the fault experiments, loaded by the harness (to send) and by every worker and
 * server process it starts (to run). Nothing is declared here: whoever loads the module declares
 * the actors on its own broker (`declareAll`).
 *
 * The bodies do a little asynchronous work (a few ms on the host's timers) so that a worker killed
 * at a random moment usually has attempts in flight.
 */
// Straight from the modules rather than core/index.ts: a worker process restarted a hundred times
// boots faster when it loads only the engine it runs (no simulator, host or API schemas).
import { actor, isActor } from '../../core/actor.ts';
import type { Broker } from '../../core/broker/broker.ts';
import { CurrentMessage } from '../../core/middleware/current-message.ts';

/** Results of the pipeline steps must outlive the whole run (default TTL is 10 minutes). */
const RESULT_TTL_MS = 3_600_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A few ms of work, derived from the argument (no shared randomness across processes). */
function workMs(i: number, spread: number): number {
  return 5 + ((i * 7919) % spread);
}

/** Plain work (returns nothing: only pipeline steps store results). */
export const plain = actor(
  async (i: number) => {
    await sleep(workMs(i, 60));
  },
  { actorName: 'fx_plain', maxRetries: 3, minBackoff: 20, maxBackoff: 200 },
);

/** Fails its first attempt (a plain error, retried with backoff), succeeds afterwards. */
export const flaky = actor(
  async (i: number) => {
    await sleep(workMs(i, 30));
    if ((CurrentMessage.getCurrentMessage()?.attempt ?? 1) === 1)
      throw new Error(`flaky ${i}: first attempt fails`);
  },
  { actorName: 'fx_flaky', maxRetries: 3, minBackoff: 20, maxBackoff: 200 },
);

/** Always fails: dead-lettered once its one retry has failed too. */
export const doomed = actor(
  async (i: number) => {
    await sleep(workMs(i, 10));
    throw new Error(`doomed ${i}`);
  },
  { actorName: 'fx_doomed', maxRetries: 1, minBackoff: 20, maxBackoff: 50 },
);

/** Pipeline step 1: x → x + 1. */
export const stepA = actor(
  async (x: number) => {
    await sleep(workMs(x, 20));
    return x + 1;
  },
  { actorName: 'fx_step_a', storeResults: true, resultTtl: RESULT_TTL_MS, maxRetries: 3 },
);

/** Pipeline step 2: y → 2y. */
export const stepB = actor(
  async (y: number) => {
    await sleep(workMs(y, 20));
    return y * 2;
  },
  { actorName: 'fx_step_b', storeResults: true, resultTtl: RESULT_TTL_MS, maxRetries: 3 },
);

/** Pipeline step 3: z → z − 3. */
export const stepC = actor(
  async (z: number) => {
    await sleep(workMs(z, 20));
    return z - 3;
  },
  { actorName: 'fx_step_c', storeResults: true, resultTtl: RESULT_TTL_MS, maxRetries: 3 },
);

/** A group member. */
export const member = actor(
  async (g: number, k: number) => {
    await sleep(workMs(g + k, 40));
  },
  { actorName: 'fx_member', maxRetries: 3, minBackoff: 20, maxBackoff: 200 },
);

/** A group's completion callback. */
export const groupDone = actor(
  async (_g: number) => {
    await sleep(1);
  },
  { actorName: 'fx_group_done', maxRetries: 3, minBackoff: 20, maxBackoff: 200 },
);

/** Near no-op with a tiny bit of async work (the many-processes experiment). */
export const tiny = actor(
  async (_i: number) => {
    await new Promise((r) => setImmediate(r));
  },
  { actorName: 'fx_tiny', maxRetries: 0 },
);

/** Every actor of this module. */
export const ALL_ACTORS = [plain, flaky, doomed, stepA, stepB, stepC, member, groupDone, tiny];

/** Declares every actor of this module on `broker`. */
export function declareAll(broker: Broker): void {
  for (const a of ALL_ACTORS) if (isActor(a)) broker.declareActor(a);
}
