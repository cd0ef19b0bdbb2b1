/**
 * Events of a rolled-back write (found by `npm run faults`, experiment "worker+server"): a send
 * the engine refuses half-way (a group whose second child names an unknown callback actor) has
 * already journaled its first child when the transaction rolls back, and that seq is reused by
 * the next event. A live subscriber must never see the undone event in its place.
 */
import { describe, expect, it } from 'vitest';
import {
  actor,
  EngineHost,
  SqliteBroker,
  VirtualClock,
  type JournalEvent,
} from '../../core/index.ts';
import type { EngineEvent } from '../../core/host/api/index.ts';
import { tempDbPath } from '../helpers/temp-db.ts';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('journal listeners and rolled-back writes', () => {
  it('hand onAppend listeners only the events that stuck, in seq order', async () => {
    const broker = new SqliteBroker({ file: tempDbPath(), clock: new VirtualClock() });
    const a = actor((_i: number) => undefined, { actorName: 'a', broker });
    const seen: [number, unknown][] = [];
    broker.journal.onAppend((e: JournalEvent) => seen.push([e.seq, e.args?.[0]]));
    a.send(1);
    expect(() =>
      broker.batch(() => {
        a.send(2);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    broker.batch(() => {
      a.send(3);
      try {
        broker.batch(() => {
          a.send(4);
          throw new Error('refused');
        });
      } catch {
        // the nested write rolled back to its savepoint; the outer one goes on
      }
      a.send(5);
    });
    await settle();
    expect(seen).toEqual([
      [1, 1],
      [2, 3],
      [3, 5],
    ]);
    expect([...broker.journal.iterate(0)].map((e) => [e.seq, e.args?.[0]])).toEqual(seen);
    broker.close();
  });

  it('keep a live Engine API subscriber in step with the journal across a refused send', async () => {
    const plain = actor((_i: number) => undefined, { actorName: 'plain' });
    const member = actor((_i: number) => undefined, { actorName: 'member' });
    const host = await EngineHost.open({
      db: tempDbPath(),
      module: { actors: [plain, member], autoStart: false },
    });
    const seen: EngineEvent[] = [];
    host.subscribe(0, (e) => seen.push(e));
    await host.call('enqueue', { actor: 'plain', args: [1] });
    await new Promise((r) => setTimeout(r, 50)); // the subscription is live now
    await expect(
      host.call('sendGroup', {
        children: [
          { actor: 'member', args: [1] },
          { actor: 'member', args: [2], options: { on_success: 'no_such_actor' } },
        ],
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_CALLBACK_ACTOR' });
    await host.call('enqueue', { actor: 'plain', args: [2] });
    await new Promise((r) => setTimeout(r, 50));
    const journal = await host.call('journalPage', { afterSeq: 0, limit: 100 });
    const view = (events: readonly EngineEvent[]) =>
      events.map((e) => [e.seq, e.kind, (e as { actor?: string }).actor]);
    expect(view(journal.events)).toEqual([
      [1, 'enqueued', 'plain'],
      [2, 'enqueued', 'plain'],
    ]);
    expect(view(seen)).toEqual(view(journal.events));
    await host.close();
  });
});
