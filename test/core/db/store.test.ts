import { describe, expect, it } from 'vitest';
import { RehearsalError } from '../../../core/index.ts';
import { SqliteStore } from '../../../core/db/store.ts';
import { tempDbPath } from '../../helpers/temp-db.ts';

const row = (id: string) => ({
  message_id: id,
  queue: 'default',
  actor: 'a',
  state: 0,
  ready_at: 0,
  body: '{}',
  label: null,
  attempts: 0,
  enqueued_at: 0,
  root: null,
});

const ids = (s: SqliteStore): string[] => s.messages.flushable('default').map((r) => r.message_id);

describe('SqliteStore writes', () => {
  it('rolls back only a failed nested write (a savepoint), keeping the rest of the transaction', () => {
    const s = new SqliteStore(tempDbPath());
    s.write(() => {
      s.messages.insert(row('kept-1'));
      expect(() =>
        s.write(() => {
          s.messages.insert(row('undone'));
          throw new Error('inner');
        }),
      ).toThrow('inner');
      s.messages.insert(row('kept-2'));
    });
    expect(ids(s)).toEqual(['kept-1', 'kept-2']);
    s.close();
  });

  it('rolls back the whole transaction when a joined write failed, even if the error was caught', () => {
    const s = new SqliteStore(tempDbPath());
    s.write(() => s.messages.insert(row('before')));
    let err: unknown;
    try {
      s.write(() => {
        s.messages.insert(row('outer'));
        try {
          s.writeJoined(() => {
            s.messages.insert(row('half'));
            throw new Error('disk on fire');
          });
        } catch {
          // swallowed by a careless caller: the outer write must still not commit half of it
        }
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RehearsalError);
    expect((err as RehearsalError).code).toBe('WRITE_ABORTED');
    expect((err as RehearsalError).message).toMatch(/disk on fire/);
    expect(ids(s)).toEqual(['before']);
    // The store keeps working afterwards.
    s.write(() => s.writeJoined(() => s.messages.insert(row('after'))));
    expect(ids(s)).toEqual(['before', 'after']);
    s.close();
  });

  it('forgets a joined failure that a savepoint around it already rolled back', () => {
    const s = new SqliteStore(tempDbPath());
    s.write(() => {
      s.messages.insert(row('a'));
      expect(() =>
        s.write(() =>
          s.writeJoined(() => {
            s.messages.insert(row('gone'));
            throw new Error('inner');
          }),
        ),
      ).toThrow('inner');
      s.messages.insert(row('b'));
    });
    expect(ids(s)).toEqual(['a', 'b']);
    s.close();
  });
});
