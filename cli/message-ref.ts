/**
 * Finding a message in a journal from what a user types: its id, a unique prefix of it (the
 * journal table shows 8 characters), or a scenario label (`api-call`, `mail#3`, `order[1]`).
 *
 * Contract:
 * 1. An exact id is looked up directly; a label or prefix scans the journal once.
 * 2. No match is `MESSAGE_NOT_FOUND` (with the closest label); several are `MESSAGE_AMBIGUOUS`
 *    listing some of them.
 */
import type { JournalEvent, SqliteBroker } from '../core/index.ts';
import { cliError } from './errors.ts';
import { didYouMean } from './suggest.ts';

/** A message and its whole history, in seq order. */
export type FoundMessage = { messageId: string; events: JournalEvent[] };

/** Shortest id prefix accepted. */
const MIN_PREFIX = 4;

/** Finds a message by id, id prefix or label (contract items 1 and 2). */
export function findMessage(broker: SqliteBroker, ref: string, file: string): FoundMessage {
  const direct = broker.journal.history(ref);
  if (direct.length > 0) return { messageId: ref, events: direct };
  const byLabel = new Set<string>();
  const byPrefix = new Set<string>();
  const labels = new Set<string>();
  const prefix = ref.length >= MIN_PREFIX && /^[0-9a-f-]+$/i.test(ref) ? ref.toLowerCase() : null;
  for (const e of broker.journal.iterate(0)) {
    if (!e.messageId) continue;
    if (e.label === ref) byLabel.add(e.messageId);
    else if (prefix !== null && e.messageId.startsWith(prefix)) byPrefix.add(e.messageId);
    if (e.label && labels.size < 100_000) labels.add(e.label);
  }
  const hits = byLabel.size > 0 ? byLabel : byPrefix;
  if (hits.size === 1) {
    const id = [...hits][0]!;
    return { messageId: id, events: broker.journal.history(id) };
  }
  if (hits.size > 1) {
    const some = [...hits].slice(0, 5);
    throw cliError(
      'MESSAGE_AMBIGUOUS',
      `${JSON.stringify(ref)} matches ${hits.size} messages in ${file}; give more of the id`,
      { message: ref, matches: [...hits] },
      [`e.g. ${some.join(', ')}${hits.size > some.length ? ', …' : ''}`],
    );
  }
  throw cliError(
    'MESSAGE_NOT_FOUND',
    `no message ${JSON.stringify(ref)} in the journal of ${file}${didYouMean(ref, labels)}`,
    { message: ref, file },
    [
      'give a message id (as `rehearsal enqueue` printed it), a unique prefix of it, or a scenario label',
      `see the messages with \`rehearsal journal --format table --db ${file}\``,
    ],
  );
}
