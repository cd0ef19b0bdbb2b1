/**
 * Sending an email (simulated): the "hello world" of task queues.
 *
 * A web request should not wait for an SMTP server, so the request enqueues a message and a
 * worker sends the email in the background. Here the "SMTP server" is a short sleep.
 *
 *   rehearsal worker examples/send-email.ts
 *   rehearsal enqueue send_email --args '["ada@example.com", "Welcome aboard!"]'
 *   rehearsal journal --format table
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { actor } from '../core/index.ts';

/** An address no retry can fix: listed in `throws`, so it fails at once instead of retrying. */
export class InvalidAddress extends Error {
  override name = 'InvalidAddress';
}

/**
 * Sends one email. It returns nothing: a returned value is only kept with `storeResults: true`
 * (see image-processing.ts), and Dramatiq warns about values it has to discard.
 * @throws InvalidAddress when `to` is not an email address.
 */
async function sendEmail(to: string, subject: string): Promise<void> {
  if (!to.includes('@')) throw new InvalidAddress(`not an email address: ${JSON.stringify(to)}`);
  await sleep(100); // talking to the SMTP server
  console.log(`sent "${subject}" to ${to}`);
}

// The actor: a name (what messages refer to), a queue, and options. Without `maxRetries`
// a failure would be retried up to 20 times with exponential backoff (Dramatiq's default).
export const send_email = actor(sendEmail, {
  actorName: 'send_email',
  queueName: 'emails',
  maxRetries: 3,
  throws: [InvalidAddress],
});
