/**
 * `npm run fuzz`: the fuzz targets of test/fuzz/ for a long run, then how many inputs each ran.
 *
 * Usage: npm run fuzz [-- --runs N] [--seed S] [--only NAME]
 *   --runs N   inputs per property (default 20000; `npm test` runs a few hundred to a few thousand)
 *   --seed S   fast-check seed (default: a fresh one, printed, so that a failure can be replayed)
 *   --only     run one target file: scenario, ws-frames, cli-args or message-rows
 *
 * A failure prints fast-check's counterexample and the command that replays it.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = ['scenario', 'ws-frames', 'cli-args', 'message-rows'];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const seed = values.seed ?? String(randomInt(1, 2 ** 31 - 1));
if (values.only !== undefined && !TARGETS.includes(values.only))
  throw new Error(`--only must be one of ${TARGETS.join(', ')}`);
const files = (values.only ? [values.only] : TARGETS).map((t) => `test/fuzz/${t}.fuzz.test.ts`);

const dir = mkdtempSync(join(tmpdir(), 'rehearsal-fuzz-'));
const report = join(dir, 'report.jsonl');
console.log(`fuzz: ${runs} inputs per property, seed ${seed}, ${files.length} target file(s)`);
const started = performance.now();
const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'unit', ...files],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: seed, FUZZ_REPORT: report },
    },
  );
  child.on('exit', (c) => resolve(c ?? 1));
});

let lines: { target: string; inputs: number; ms: number }[] = [];
try {
  lines = readFileSync(report, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { target: string; inputs: number; ms: number });
} catch {
  // no property finished
}
rmSync(dir, { recursive: true, force: true });

const width = Math.max(6, ...lines.map((l) => l.target.length));
console.log(`\n${'target'.padEnd(width)}  ${'inputs'.padStart(9)}  ${'seconds'.padStart(8)}`);
for (const l of lines)
  console.log(
    `${l.target.padEnd(width)}  ${l.inputs.toLocaleString('en-US').padStart(9)}  ${(l.ms / 1000).toFixed(1).padStart(8)}`,
  );
const total = lines.reduce((n, l) => n + l.inputs, 0);
console.log(
  `${'total'.padEnd(width)}  ${total.toLocaleString('en-US').padStart(9)}  ${((performance.now() - started) / 1000).toFixed(1).padStart(8)}`,
);
if (code !== 0)
  console.log(
    `\nfuzz FAILED; replay with: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npx vitest run ${files.join(' ')}`,
  );
process.exitCode = code;
