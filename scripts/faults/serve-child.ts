/**
 * The Engine API server of the fault experiments (what `rehearsal serve` runs), in its own
 * process:
 *   node --import tsx scripts/faults/serve-child.ts --db FILE [--threads 8]
 * Module mode over FILE with the fault actors: its own worker (index 0) consumes the file, and
 * the event feed also polls for events that other processes write. Prints one JSON line
 * `{"wsUrl": …}` once listening (127.0.0.1 only); SIGTERM closes it (exit 0).
 */
import { parseArgs } from 'node:util';
import { startServer, type Actor } from '../../core/index.ts';
import { ALL_ACTORS } from './actors.ts';
import { childLogger } from './child-logger.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, threads: { type: 'string', default: '8' } },
});
if (!values.db) throw new Error('serve-child: --db FILE is required');

const server = await startServer({
  db: values.db,
  logger: childLogger('server'),
  module: {
    actors: ALL_ACTORS as unknown as Actor[],
    threads: Number(values.threads),
    name: 'scripts/faults/actors.ts',
  },
});
process.stdout.write(`${JSON.stringify({ wsUrl: server.wsUrl })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
