/**
 * The mixed workload of the kill -9 experiment: plain messages (some delayed), messages that fail
 * their first attempt (retries), messages that always fail (dead letters), 3-step pipelines with
 * stored results, and groups with a completion callback — each unit drawn from a seeded RNG, sent
 * by the harness, and remembered as expectations for the verdict.
 */
import { group, pipeline, type Broker, type Rng } from '../../core/index.ts';
import * as A from './actors.ts';
import type { GroupExpectation, PipelineExpectation } from './verify.ts';

/** One unit of work. */
export type Unit =
  | { kind: 'plain'; i: number; delayMs: number | null }
  | { kind: 'flaky'; i: number; delayMs: number | null }
  | { kind: 'doomed'; i: number }
  | { kind: 'pipeline'; x: number; delayMs: number | null }
  | { kind: 'group'; g: number; size: number; flakyFirst: boolean };

/** Message ids a unit produces (sent and derived). */
export function idsOf(u: Unit): number {
  if (u.kind === 'pipeline') return 3;
  if (u.kind === 'group') return u.size + 1;
  return 1;
}

/** Draws units until they make at least `messages` message ids. */
export function drawUnits(rng: Rng, messages: number, maxDelayMs: number): Unit[] {
  const units: Unit[] = [];
  let ids = 0;
  const delay = (p: number): number | null =>
    rng.next() < p ? Math.floor(rng.uniform(0, maxDelayMs)) : null;
  for (let n = 0; ids < messages; n++) {
    const r = rng.next();
    let u: Unit;
    if (r < 0.5) u = { kind: 'plain', i: n, delayMs: delay(0.35) };
    else if (r < 0.72) u = { kind: 'flaky', i: n, delayMs: delay(0.25) };
    else if (r < 0.75) u = { kind: 'doomed', i: n };
    else if (r < 0.9) u = { kind: 'pipeline', x: n, delayMs: delay(0.2) };
    else
      u = {
        kind: 'group',
        g: n,
        size: 3 + Math.floor(rng.next() * 3),
        flakyFirst: rng.next() < 0.5,
      };
    units.push(u);
    ids += idsOf(u);
  }
  return units;
}

/** What the harness sent, for the verdict. */
export class Sent {
  readonly ids: string[] = [];
  readonly dead: string[] = [];
  readonly pipelines: PipelineExpectation[] = [];
  readonly groups: GroupExpectation[] = [];
  readonly counts = { plain: 0, delayed: 0, flaky: 0, doomed: 0, pipelines: 0, groups: 0 };

  /** Sends `u` on `broker` (inside the caller's batch) and records what it must produce. */
  send(broker: Broker, u: Unit): void {
    switch (u.kind) {
      case 'plain':
      case 'flaky': {
        const a = u.kind === 'plain' ? A.plain : A.flaky;
        const m =
          u.delayMs === null ? a.send(u.i) : a.sendWithOptions({ args: [u.i], delayMs: u.delayMs });
        this.ids.push(m.messageId);
        this.counts[u.kind]++;
        if (u.delayMs !== null) this.counts.delayed++;
        break;
      }
      case 'doomed': {
        const m = A.doomed.send(u.i);
        this.ids.push(m.messageId);
        this.dead.push(m.messageId);
        this.counts.doomed++;
        break;
      }
      case 'pipeline': {
        const p = pipeline(
          [A.stepA.message(u.x), A.stepB.messageWithOptions(), A.stepC.messageWithOptions()],
          {
            broker,
          },
        );
        p.run(u.delayMs === null ? {} : { delayMs: u.delayMs });
        const a = u.x + 1;
        const b = a * 2;
        this.pipelines.push({ steps: p.messages.map((m) => m.messageId), results: [a, b, b - 3] });
        this.ids.push(...p.messages.map((m) => m.messageId));
        this.counts.pipelines++;
        if (u.delayMs !== null) this.counts.delayed++;
        break;
      }
      case 'group': {
        const members = Array.from({ length: u.size }, (_, k) =>
          k === 0 && u.flakyFirst ? A.flaky.message(u.g) : A.member.message(u.g, k),
        );
        const callback = A.groupDone.message(u.g);
        group(members, { broker }).addCompletionCallback(callback).run();
        this.groups.push({
          members: members.map((m) => m.messageId),
          callback: callback.messageId,
        });
        this.ids.push(...members.map((m) => m.messageId), callback.messageId);
        this.counts.groups++;
        break;
      }
    }
  }
}
