/**
 * One worker process of the scaling table (bench/scaling.ts), started as
 *   node --import tsx bench/scaling-worker.ts FILE THREADS INDEX
 * with an IPC channel. It opens FILE, declares the no-op actor, says `{type: 'ready'}`, starts
 * its `Worker` on `{type: 'go'}`, and once nothing is pending on the file (every process's
 * messages acked) stops, says `{type: 'done', cpuSeconds}` and exits.
 */
import { actor, RealClock, SqliteBroker, Worker } from '../core/index.ts';
import { ACTOR, QUEUE, sleep } from './lib.ts';

const [file, threadsArg, indexArg] = process.argv.slice(2);
if (!file || !process.send)
  throw new Error('usage: scaling-worker.ts FILE THREADS INDEX (with IPC)');
const send = (m: unknown): void => void process.send!(m);
const broker = new SqliteBroker({ file, clock: new RealClock() });
actor((_i: number) => undefined, { actorName: ACTOR, queueName: QUEUE, broker });
const worker = new Worker(broker, { threads: Number(threadsArg), index: Number(indexArg) });
// The worker's timers are background ones; this keeps the process alive until it is done.
const keepAlive = setInterval(() => undefined, 1 << 30);

process.on('message', (m: { type?: string }) => {
  if (m.type !== 'go') return;
  void (async () => {
    const c0 = process.cpuUsage();
    worker.start();
    while (broker.hasPending()) await sleep(10);
    await worker.stop({ timeoutMs: 5000 });
    const c = process.cpuUsage(c0);
    broker.close();
    clearInterval(keepAlive);
    send({ type: 'done', cpuSeconds: (c.user + c.system) / 1e6 });
    process.disconnect();
  })();
});
// A parent that goes away (Ctrl+C, a failed run) takes this process with it.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
