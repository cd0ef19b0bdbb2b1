/**
 * A worker process of the fault experiments:
 *   node --import tsx scripts/faults/worker-child.ts --db FILE --index N [--threads 8]
 *     [--lease-ms 60000] [--worker-timeout-ms 100]
 * Declares the fault actors on a `SqliteBroker` (real clock) over FILE and runs a `Worker` until
 * SIGTERM (graceful stop, exit 0) or SIGKILL. Prints `worker <index> started` once consuming.
 * Engine warnings (a lost lease, a busy database) go to stderr; expected actor failures do not.
 */
import { parseArgs } from 'node:util';
// Straight from the modules rather than core/index.ts: this process is restarted a hundred times,
// and loading only the engine it runs (no simulator, host or API schemas) boots it faster.
import { SqliteBroker } from '../../core/broker/sqlite-broker.ts';
import { RealClock } from '../../core/clock/real-clock.ts';
import { Worker } from '../../core/worker/worker.ts';
import { declareAll } from './actors.ts';
import { childLogger } from './child-logger.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    index: { type: 'string', default: '0' },
    threads: { type: 'string', default: '8' },
    'lease-ms': { type: 'string', default: '60000' },
    'worker-timeout-ms': { type: 'string', default: '100' },
  },
});
if (!values.db) throw new Error('worker-child: --db FILE is required');
const index = Number(values.index);

const broker = new SqliteBroker({
  file: values.db,
  clock: new RealClock(),
  logger: childLogger(`w${index}`),
});
declareAll(broker);
const worker = new Worker(broker, {
  index,
  threads: Number(values.threads),
  leaseMs: Number(values['lease-ms']),
  workerTimeoutMs: Number(values['worker-timeout-ms']),
});
// The worker's own timers are background ones: keep the process alive while it runs.
const keepAlive = setInterval(() => undefined, 1000);

process.on('SIGTERM', () => {
  void (async () => {
    await worker.stop({ timeoutMs: 10_000 });
    broker.close();
    clearInterval(keepAlive);
    process.exit(0);
  })();
});
worker.start();
process.stdout.write(`worker ${index} started\n`);
