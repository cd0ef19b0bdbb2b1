import { RehearsalError } from '../errors.ts';

/** Queue names must match this pattern as a whole (Dramatiq's rule). */
export const QUEUE_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9._-]*$/;

/** The queue name without a trailing `.DQ` or `.XQ`. */
export function canonicalQueueName(name: string): string {
  return name.endsWith('.DQ') || name.endsWith('.XQ') ? name.slice(0, -3) : name;
}

/** `q.DQ` for `q` (or for `q.XQ`). */
export function delayQueueName(name: string): string {
  return `${canonicalQueueName(name)}.DQ`;
}

/** `q.XQ` for `q` (or for `q.DQ`). */
export function deadLetterQueueName(name: string): string {
  return `${canonicalQueueName(name)}.XQ`;
}

/**
 * Checks a queue name.
 * @throws RehearsalError `INVALID_QUEUE_NAME` naming the queue and the rule.
 */
export function assertQueueName(name: string, where: { actor?: string } = {}): void {
  if (typeof name !== 'string' || !QUEUE_NAME_PATTERN.test(name)) {
    const who = where.actor ? ` of actor \`${where.actor}\`` : '';
    throw new RehearsalError(
      'INVALID_QUEUE_NAME',
      `queue name ${JSON.stringify(name)}${who} is not allowed: it must start with a letter or underscore and contain only letters, digits, dots, underscores and dashes`,
      { queue: name, ...where },
    );
  }
}
