import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyTarget } from '../../cli/commands/serve-args.ts';
import { BIN, rehearsal, scratchDir } from './run-cli.ts';

describe('rehearsal serve', () => {
  it('tells a scenario, a module and a run database apart by their shape', () => {
    expect(classifyTarget(undefined)).toEqual({ kind: 'none' });
    expect(classifyTarget('retries-with-backoff')).toEqual({
      kind: 'scenario',
      scenario: 'retries-with-backoff',
    });
    expect(classifyTarget('scenarios/age-limit.json')).toEqual({
      kind: 'scenario',
      scenario: 'scenarios/age-limit.json',
    });
    expect(classifyTarget('examples/send-email.ts')).toEqual({
      kind: 'module',
      spec: 'examples/send-email.ts',
    });
    expect(classifyTarget('/tmp/run.db')).toEqual({ kind: 'db', file: '/tmp/run.db' });
    expect(() => classifyTarget('what is this?')).toThrow(/cannot tell what/);
  });

  it('refuses a bad port before starting anything', async () => {
    const r = await rehearsal(['serve', '--port', 'abc'], { cwd: scratchDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [INVALID_ARGUMENT]: --port must be a whole number 0..65535');
  });

  it(
    'prints a 127.0.0.1 URL with a token, serves the app there, and stops on Ctrl+C',
    { timeout: 90_000 },
    async () => {
      const dir = scratchDir();
      const child = spawn(
        process.execPath,
        [BIN, 'serve', 'retries-with-backoff', '--db', join(dir, 'run.db')],
        {
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}/.exec(out);
          if (m) resolve(m[0]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      expect(out).toContain('scenario retries-with-backoff (paused at t = 0)');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect((await fetch(url.replace(/\?token=.*/, ''))).status).toBe(401);
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGINT');
      });
      expect(code).toBe(0);
    },
  );
});
