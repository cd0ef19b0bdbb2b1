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

describe('SqliteStore group commit', () => {
  it('keeps grouped writes from other connections until the group commits', () => {
    const file = tempDbPath();
    const s = new SqliteStore(file);
    const reader = new SqliteStore(file);
    expect(s.openGroup()).toBe('open');
    s.write(() => s.messages.insert(row('g1')), { grouped: true });
    s.write(() => s.messages.insert(row('g2')), { grouped: true });
    expect(ids(s)).toEqual(['g1', 'g2']);
    expect(ids(reader)).toEqual([]);
    expect(s.commitGroup()).toBe(2);
    expect(ids(reader)).toEqual(['g1', 'g2']);
    reader.close();
    s.close();
  });

  it('commits the group at once when a write that is not grouped joins it', () => {
    const file = tempDbPath();
    const s = new SqliteStore(file);
    const reader = new SqliteStore(file);
    s.openGroup();
    s.write(() => s.messages.insert(row('grouped')), { grouped: true });
    s.write(() => s.messages.insert(row('sent')));
    expect(s.grouped).toBe(false);
    expect(ids(reader)).toEqual(['grouped', 'sent']);
    reader.close();
    s.close();
  });

  it('rolls back only the failed write of a group, and close commits the rest', () => {
    const file = tempDbPath();
    const s = new SqliteStore(file);
    s.openGroup();
    s.write(() => s.messages.insert(row('a')), { grouped: true });
    expect(() =>
      s.write(
        () => {
          s.messages.insert(row('undone'));
          throw new Error('actor hook blew up');
        },
        { grouped: true },
      ),
    ).toThrow('actor hook blew up');
    s.write(() => s.messages.insert(row('b')), { grouped: true });
    s.close();
    const again = new SqliteStore(file);
    expect(ids(again)).toEqual(['a', 'b']);
    again.close();
  });

  it('opens no group, without waiting, while another connection holds the write lock', () => {
    const file = tempDbPath();
    const s = new SqliteStore(file);
    const other = new SqliteStore(file);
    other.holdWrites();
    const t0 = performance.now();
    expect(s.openGroup()).toBe('busy');
    expect(performance.now() - t0).toBeLessThan(500);
    other.releaseWrites();
    expect(s.openGroup()).toBe('open');
    s.commitGroup();
    other.close();
    s.close();
  });

  it('asked to commit inside a write of the group, commits when that write ends', () => {
    const file = tempDbPath();
    const s = new SqliteStore(file);
    const reader = new SqliteStore(file);
    s.openGroup();
    s.write(
      () => {
        s.messages.insert(row('first'));
        s.write(() => s.messages.insert(row('nested')), { grouped: true });
        expect(s.commitGroup()).toBe(0);
        s.messages.insert(row('after'));
      },
      { grouped: true },
    );
    expect(s.grouped).toBe(false);
    expect(ids(reader)).toEqual(['first', 'nested', 'after']);
    reader.close();
    s.close();
  });

  it('opens no group inside a transaction that is already running (a held simulation)', () => {
    const s = new SqliteStore(tempDbPath());
    s.holdWrites();
    expect(s.openGroup()).toBe('unavailable');
    s.releaseWrites();
    s.close();
  });
});
