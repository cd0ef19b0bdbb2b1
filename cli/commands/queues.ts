/**
 * `rehearsal queues`: ready, delayed, in-flight and dead counts per queue.
 */
import type { QueuesArgs } from '../checks.ts';
import { openExisting, readableFile } from '../db.ts';
import { EXIT_OK } from '../errors.ts';
import { writeOut, type Io } from '../io.ts';
import { formatTable } from '../table.ts';

/** Runs `rehearsal queues` (spec in specs.ts, checks in checks.ts). */
export async function runQueues(o: QueuesArgs, io: Io): Promise<number> {
  const broker = openExisting(readableFile(o.file));
  try {
    const stats = broker.stats();
    if (o.json) {
      const rows = stats.map((s) => ({
        queue: s.queue,
        ready: s.ready,
        delayed: s.delayed,
        in_flight: s.inFlight,
        dead: s.dead,
        paused: s.paused,
      }));
      await writeOut(io.stdout, `${JSON.stringify(rows, null, 2)}\n`);
      return EXIT_OK;
    }
    if (stats.length === 0) {
      await writeOut(io.stdout, `No queues declared on ${o.file} yet.\n`);
      return EXIT_OK;
    }
    const table = formatTable(
      [
        { header: 'QUEUE' },
        { header: 'READY', right: true },
        { header: 'DELAYED', right: true },
        { header: 'IN FLIGHT', right: true },
        { header: 'DEAD', right: true },
        { header: 'STATE' },
      ],
      stats.map((s) => [
        s.queue,
        String(s.ready),
        String(s.delayed),
        String(s.inFlight),
        String(s.dead),
        s.paused ? 'paused' : '',
      ]),
    );
    await writeOut(io.stdout, table);
    return EXIT_OK;
  } finally {
    broker.close();
  }
}
