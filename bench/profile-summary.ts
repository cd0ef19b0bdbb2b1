/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time,
 * and the functions with the most inclusive time (self + everything they called), so that one can
 * see which engine calls, statements and transactions dominate.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile | dir> [--top 25] [--match core/]
 *     [--callers sqliteTransaction]
 *
 * A directory means its busiest .cpuprofile (with `--import tsx` the loader thread writes one too). `--match` keeps only inclusive rows whose file path
 * contains the text (self time is always shown for everything, native code included).
 * `--callers fn` splits the self time of `fn` (e.g. better-sqlite3's `sqliteTransaction`, where
 * BEGIN/COMMIT run) by the chain of the nearest project frames that called it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** Non-idle sampled time of a profile, µs (a loader thread is almost all idle). */
function busyTime(p: Profile): number {
  const idle = new Set(
    p.nodes
      .filter((n) => ['(idle)', '(program)'].includes(n.callFrame.functionName))
      .map((n) => n.id),
  );
  return p.samples.reduce((a, id, i) => a + (idle.has(id) ? 0 : (p.timeDeltas[i] ?? 0)), 0);
}

/** The file itself, or in a directory the busiest .cpuprofile (the main thread, not tsx's loader). */
function pickProfile(path: string): { file: string; profile: Profile } {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new Error(`no .cpuprofile in ${path}`);
  const loaded = files.map((file) => ({
    file,
    profile: JSON.parse(readFileSync(file, 'utf8')) as Profile,
  }));
  loaded.sort((a, b) => busyTime(b.profile) - busyTime(a.profile));
  return loaded[0]!;
}

function frameKey(f: CallFrame): string {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  const file = f.url.replace(/^file:\/\//, '');
  const short = file.startsWith(process.cwd()) ? relative(process.cwd(), file) : file;
  return `${name}  ${short}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: {
      top: { type: 'string', default: '25' },
      match: { type: 'string' },
      callers: { type: 'string' },
    },
    allowPositionals: true,
  });
  const { file, profile } = pickProfile(positionals[0] ?? '.');
  const top = Number(values.top);

  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }

  const self = new Map<string, number>();
  const callers = new Map<string, number>();
  const callerPath = values.match ?? 'core/';
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // µs → ms
    total += dt;
    const node = byId.get(id);
    if (!node) return;
    const k = frameKey(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    if (values.callers && node.callFrame.functionName === values.callers) {
      // The chain of the nearest three project frames above it, innermost first.
      const chain: string[] = [];
      for (let cur = parent.get(id); cur !== undefined && chain.length < 3; cur = parent.get(cur)) {
        const f = byId.get(cur)!.callFrame;
        if (f.url.includes(callerPath)) chain.push(f.functionName || '(anonymous)');
      }
      const key = chain.join(' < ') || '(no project caller)';
      callers.set(key, (callers.get(key) ?? 0) + dt);
    }
    // Count each function once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = frameKey(byId.get(cur)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });

  const print = (title: string, m: Map<string, number>, filter?: string): void => {
    console.log(`\n${title}`);
    const rows = [...m.entries()]
      .filter(([k]) => !filter || k.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    for (const [k, ms] of rows) {
      const pct = ((100 * ms) / total).toFixed(1).padStart(5);
      console.log(`${ms.toFixed(0).padStart(8)} ms ${pct}%  ${k}`);
    }
  };

  console.log(`${file}: ${total.toFixed(0)} ms sampled, ${profile.samples.length} samples`);
  print(`Top ${top} by self time`, self);
  print(
    `Top ${top} by inclusive time${values.match ? ` (files matching ${values.match})` : ''}`,
    inclusive,
    values.match,
  );
  if (values.callers) {
    print(`Self time of ${values.callers} by nearest ${callerPath} callers`, callers);
  }
}

main();
