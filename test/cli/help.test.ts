import { describe, expect, it } from 'vitest';
import { rehearsal, scratchDir as tempDir } from './run-cli.ts';

const COMMANDS = ['worker', 'enqueue', 'queues', 'journal', 'dlq list', 'dlq requeue', 'dlq purge'];

describe.concurrent('rehearsal help and usage errors', { timeout: 120_000 }, () => {
  it('prints the top-level help listing every command with --help and -h', async () => {
    const cwd = tempDir();
    const [long, short] = await Promise.all([
      rehearsal(['--help'], { cwd }),
      rehearsal(['-h'], { cwd }),
    ]);
    expect(long.code).toBe(0);
    expect(long.stdout).toMatch(/^Usage: rehearsal COMMAND/);
    for (const c of COMMANDS) expect(long.stdout).toContain(`  ${c}`);
    expect(short.stdout).toBe(long.stdout);
  });

  it('prints the version with --version', async () => {
    const r = await rehearsal(['--version'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rehearsal \d+\.\d+\.\d+/);
  });

  it.each(COMMANDS)('prints the help of `%s` with --help, listing --db', async (command) => {
    const r = await rehearsal([...command.split(' '), '--help'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: rehearsal ${command}`));
    expect(r.stdout).toContain('--db FILE');
    expect(r.stdout).toContain('Examples:');
    expect(r.stderr).toBe('');
  });

  it('prints help for -h even when other flags on the line are wrong', async () => {
    const r = await rehearsal(['enqueue', '--nonsense', '-h'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rehearsal enqueue ACTOR/);
  });

  it('rejects an unknown command with exit 2 and suggests the closest one', async () => {
    const r = await rehearsal(['wroker'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [UNKNOWN_COMMAND]');
    expect(r.stderr).toContain('did you mean `worker`?');
  });

  it('rejects an unknown flag with exit 2 and names the closest flag', async () => {
    const r = await rehearsal(['enqueue', 'add', '--arg', '[1]'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [UNKNOWN_FLAG]: unknown flag `--arg`');
    expect(r.stderr).toContain('did you mean `--args`?');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('rejects a missing argument, and prints help on stderr with exit 2 when run bare', async () => {
    const cwd = tempDir();
    const [missing, bare] = await Promise.all([
      rehearsal(['enqueue'], { cwd }),
      rehearsal([], { cwd }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error [MISSING_ARGUMENT]');
    expect(missing.stderr).toContain('ACTOR');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: rehearsal COMMAND/);
  });
});
