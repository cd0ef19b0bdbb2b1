/**
 * Databases the user cannot write: the commands that only read still read them (through a
 * private copy), and a new database in a folder that is missing or read-only is refused with a
 * code that says so.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, fileState, rehearsal, scratchDir } from './run-cli.ts';

const SCENARIO = join(import.meta.dirname, '..', '..', 'scenarios', 'retries-with-backoff.json');

/** Runs the CLI as a user who cannot write `dir` (nobody, when the tests run as root). */
function asReader(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const root = process.getuid?.() === 0;
  const cmd = root ? 'runuser' : process.execPath;
  const argv = root ? ['-u', 'nobody', '--', process.execPath, BIN, ...args] : [BIN, ...args];
  try {
    const stdout = execFileSync(cmd, argv, { cwd, encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

const canDropRights =
  process.getuid?.() !== 0 || existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser');

describe('files the user cannot write', () => {
  it.runIf(canDropRights)(
    'reads a read-only run with queues, journal, state and replay, and leaves it as it was',
    async () => {
      const dir = scratchDir();
      const db = join(dir, 'shared.db');
      expect((await rehearsal(['run', SCENARIO, '--db', db], { cwd: dir })).code).toBe(0);
      chmodSync(db, 0o444);
      chmodSync(dir, 0o555);
      const before = fileState(db);
      try {
        const queues = asReader(['queues', '--db', db], dir);
        expect(queues.stderr).toBe('');
        expect(queues.stdout).toMatch(/QUEUE\s+READY/);
        const journal = asReader(['journal', '--db', db], dir);
        expect(journal.code).toBe(0);
        expect(journal.stdout.split('\n')[0]).toMatch(/^\{"seq":1,/);
        expect(asReader(['state', '--at', '3', '--db', db], dir).stdout).toMatch(
          /^After event 3 of/,
        );
        expect(asReader(['replay', db], dir).stdout).toMatch(/matches/);
        expect(fileState(db)).toBe(before);
        expect(readdirSync(dir)).toEqual(['shared.db']);
      } finally {
        chmodSync(dir, 0o755);
      }
    },
  );

  it('refuses a new database in a folder that does not exist, or cannot be written, naming the folder', async () => {
    const dir = scratchDir();
    const missing = await rehearsal(['run', SCENARIO, '--db', join(dir, 'no', 'such', 'x.db')], {
      cwd: dir,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/DB_DIR_NOT_FOUND.*folder .*no\/such does not exist/);
    if (!canDropRights) return;
    chmodSync(dir, 0o555);
    try {
      const ro = asReader(['run', SCENARIO, '--db', join(dir, 'x.db')], dir);
      expect(ro.code).toBe(2);
      expect(ro.stderr).toMatch(/DB_READ_ONLY.*folder .* cannot be written/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
