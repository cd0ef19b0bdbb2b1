/**
 * `sim_1m_seconds`, `sim_1m_peak_rss_mb` (issues 5 and 7): 1 M no-op messages through the
 * simulator in virtual time with the journal on, in a child process of its own so that the peak
 * RSS is the simulation's (bench/sim-1m-child.ts). `--quick` runs 100 k and reports them under
 * `sim_100k_*`, leaving the 1 M figures null with a note.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD = fileURLToPath(new URL('./sim-1m-child.ts', import.meta.url));

export type SimFigures = Record<string, number | string | null>;

export async function simBench(dir: string, quick: boolean): Promise<SimFigures> {
  const messages = quick ? 100_000 : 1_000_000;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', CHILD, join(dir, 'sim.db'), String(messages)],
    { maxBuffer: 1 << 20, timeout: 3_600_000 },
  );
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
    seconds: number;
    events: number;
    peakRssMb: number;
  };
  const key = quick ? 'sim_100k' : 'sim_1m';
  const out: SimFigures = {
    [`${key}_seconds`]: Math.round(r.seconds * 10) / 10,
    [`${key}_peak_rss_mb`]: Math.round(r.peakRssMb),
    [`${key}_events`]: r.events,
    [`${key}_us_per_message`]: Math.round((r.seconds * 1e6) / messages),
    sim_1m_seconds_target: 20,
    sim_1m_peak_rss_mb_target: 400,
  };
  if (quick) {
    out.sim_1m_seconds = null;
    out.sim_1m_seconds_note = 'not run: --quick runs 100,000 messages (sim_100k_*)';
    out.sim_1m_peak_rss_mb = null;
    out.sim_1m_peak_rss_mb_note = out.sim_1m_seconds_note;
  }
  return out;
}
