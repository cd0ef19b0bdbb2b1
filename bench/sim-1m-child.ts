/**
 * The `sim_1m` step's child (bench/sim-1m.ts), run as
 *   node --import tsx bench/sim-1m-child.ts DB MESSAGES
 * so that its peak RSS is the simulation's own. It runs MESSAGES no-op messages (one actor,
 * uniform arrivals at 1,000/s, 8 threads, virtual clock, journal on) and prints one JSON line:
 * `{seconds, events, peakRssMb}`.
 */
import { parseScenario, runScenario } from '../core/index.ts';

const [db, messagesArg] = process.argv.slice(2);
const messages = Number(messagesArg);
if (!db || !(messages > 0)) throw new Error('usage: sim-1m-child.ts DB MESSAGES');
const scenario = parseScenario({
  rehearsal: 1,
  seed: 1,
  workers: [{ threads: 8 }],
  actors: [{ name: 'noop' }],
  arrivals: [{ actor: 'noop', process: 'uniform', rate: 1000, count: messages }],
});
const t0 = performance.now();
const r = await runScenario(scenario, { db });
const seconds = (performance.now() - t0) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ seconds, events: r.events, peakRssMb })}\n`);
