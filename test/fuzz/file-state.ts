/**
 * Fingerprints of files, to prove that a refused input wrote nothing.
 *
 * Hashes are cached by (size, mtime, ctime, inode) so that checking a folder of run databases
 * before and after every input stays cheap; any write changes at least one of those.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const cache = new Map<string, { stamp: string; hash: string }>();

/** sha256 of a file's bytes, or 'absent'. */
export function fileHash(path: string): string {
  if (!existsSync(path)) return 'absent';
  const st = statSync(path, { bigint: true });
  const stamp = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  const cached = cache.get(path);
  if (cached?.stamp === stamp) return cached.hash;
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
  cache.set(path, { stamp, hash });
  return hash;
}

/** A companion file (`-wal`, `-journal`): empty counts as absent, as it holds nothing. */
function companionHash(path: string): string {
  return existsSync(path) && statSync(path).size === 0 ? 'absent' : fileHash(path);
}

/**
 * A database file with its WAL and rollback journal (the `-shm` index changes on reads too, so
 * it is left out).
 */
export function dbState(file: string): string {
  return `${fileHash(file)} ${companionHash(`${file}-wal`)} ${companionHash(`${file}-journal`)}`;
}

/** Every file of `dir` (not `-shm`) with its hash, one per line. */
export function dirState(dir: string): string {
  return readdirSync(dir)
    .sort()
    .filter((name) => !name.endsWith('-shm'))
    .map((name) => `${name}=${fileHash(join(dir, name))}`)
    .join('\n');
}
