/**
 * Priorities: two actors on one queue, where the urgent one runs first.
 *
 * A lower `priority` number runs first, but only among messages a worker already holds in
 * memory (Dramatiq's priority is local and shallow): it reorders a backlog, it does not
 * pre-empt running messages and it does not reach across workers or queues.
 *
 * Queue a backlog first, then start a worker: with 2 threads it holds up to 4 messages (prefetch
 * is threads × 2), orders them by priority, and starts the password reset first although it was
 * sent last.
 *
 *   rehearsal enqueue generate_report --module examples/priority-queues.ts --args '["q1"]'
 *   rehearsal enqueue generate_report --module examples/priority-queues.ts --args '["q2"]'
 *   rehearsal enqueue generate_report --module examples/priority-queues.ts --args '["q3"]'
 *   rehearsal enqueue send_password_reset --module examples/priority-queues.ts --args '["ada"]'
 *   rehearsal worker examples/priority-queues.ts --threads 2
 *   rehearsal journal --format table     # `started` of send_password_reset comes first
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { actor } from '../core/index.ts';

/** Slow, and nobody is waiting for it. */
async function generateReport(quarter: string): Promise<void> {
  await sleep(500);
  console.log(`report for ${quarter} generated`);
}

/** Fast, and a person is waiting for it. */
async function sendPasswordReset(user: string): Promise<void> {
  await sleep(20);
  console.log(`password reset link sent to ${user}`);
}

export const generate_report = actor(generateReport, {
  actorName: 'generate_report',
  queueName: 'work',
  priority: 100,
});

export const send_password_reset = actor(sendPasswordReset, {
  actorName: 'send_password_reset',
  queueName: 'work',
  priority: 0,
});
