/**
 * Queue names given on the command line.
 */
import { canonicalQueueName, QUEUE_NAME_PATTERN } from '../core/index.ts';
import { cliError } from './errors.ts';

/**
 * A checked, canonical queue name (`emails.DQ` and `emails.XQ` mean `emails`).
 * @throws CliError `INVALID_QUEUE_NAME` naming the flag, the name and the rule.
 */
export function queueArg(flag: string, name: string): string {
  if (!QUEUE_NAME_PATTERN.test(name)) {
    throw cliError(
      'INVALID_QUEUE_NAME',
      `queue name ${JSON.stringify(name)} given to ${flag} is not allowed: it must start with a letter or underscore and contain only letters, digits, dots, underscores and dashes`,
      { flag, queue: name },
    );
  }
  return canonicalQueueName(name);
}
