/**
 * `--only erlang`: the simulator against queueing theory at scale (issue 5). An M/M/2 queue at
 * utilization 0.5 (Poisson arrivals at 10/s, exponential service with mean 100 ms, 2 threads,
 * virtual clock) runs `arrivals` messages (1 M by default; `--quick` 100 k), and the mean wait of
 * first attempts, read back from the journal in one streaming pass, is compared with the Erlang C
 * formula. The goal is agreement within 2 %.
 */
import { join } from 'node:path';
import { erlangCMeanWait, parseScenario, runScenario, SqliteBroker } from '../core/index.ts';
import { peakRssMb, round, stopwatch } from './lib.ts';

export type ErlangFigures = {
  erlang_c_arrivals: number;
  erlang_c_expected_wait_ms: number;
  erlang_c_measured_wait_ms: number;
  erlang_c_rel_error: number;
  erlang_c_rel_error_target: number;
  erlang_c_sim_seconds: number;
  erlang_c_events: number;
  erlang_c_peak_rss_mb: number;
};

const RATE_PER_S = 10;
const MEAN_SERVICE_MS = 100;
const SERVERS = 2;

export async function erlangBench(dir: string, arrivals: number): Promise<ErlangFigures> {
  const scenario = parseScenario({
    rehearsal: 1,
    seed: 7,
    workers: [{ threads: SERVERS }],
    actors: [
      {
        name: 'serve',
        behavior: { duration: { dist: 'exponential', mean: MEAN_SERVICE_MS } },
      },
    ],
    arrivals: [{ actor: 'serve', process: 'poisson', rate: RATE_PER_S, count: arrivals }],
  });
  const db = join(dir, 'erlang.db');
  const stop = stopwatch();
  const run = await runScenario(scenario, { db });
  const { seconds } = stop();
  const b = new SqliteBroker({ file: db, readonly: true });
  let sum = 0;
  let n = 0;
  try {
    const enqueuedAt = new Map<string, number>();
    for (const e of b.journal.iterate(0)) {
      if (!e.messageId) continue;
      if (e.kind === 'enqueued') enqueuedAt.set(e.messageId, e.t);
      else if (e.kind === 'started' && e.attempt === 1) {
        const t0 = enqueuedAt.get(e.messageId);
        if (t0 === undefined) continue;
        enqueuedAt.delete(e.messageId);
        sum += e.t - t0;
        n++;
      }
    }
  } finally {
    b.close();
  }
  const expected = erlangCMeanWait(RATE_PER_S, MEAN_SERVICE_MS, SERVERS);
  const measured = n > 0 ? sum / n : NaN;
  return {
    erlang_c_arrivals: n,
    erlang_c_expected_wait_ms: round(expected, 3),
    erlang_c_measured_wait_ms: round(measured, 3),
    erlang_c_rel_error: round(Math.abs(measured - expected) / expected, 4),
    erlang_c_rel_error_target: 0.02,
    erlang_c_sim_seconds: round(seconds, 2),
    erlang_c_events: run.events,
    erlang_c_peak_rss_mb: peakRssMb(),
  };
}
