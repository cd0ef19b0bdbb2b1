/**
 * A reminder sent later: `sendWithOptions({ delayMs })` (or `rehearsal enqueue --delay MS`).
 *
 * A delayed message waits on the queue's delay queue until its eta, then joins the back of its
 * queue. `schedule_reminder` shows an actor sending another message with a delay.
 *
 *   rehearsal worker examples/delayed-reminder.ts
 *   rehearsal enqueue schedule_reminder --args '["stretch your legs", 5000]'
 *   rehearsal queues                    # the reminder is "delayed" for 5 seconds
 *   rehearsal enqueue send_reminder --args '["drink water"]' --delay 2000
 */
import { actor } from '../core/index.ts';

/** Delivers a reminder (to the worker's console). */
function sendReminder(text: string): void {
  console.log(`reminder: ${text}`);
}

export const send_reminder = actor(sendReminder, {
  actorName: 'send_reminder',
  queueName: 'reminders',
});

/** Schedules `send_reminder` to run `inMs` milliseconds from now. */
function scheduleReminder(text: string, inMs: number): void {
  const message = send_reminder.sendWithOptions({ args: [text], delayMs: inMs });
  console.log(`reminder ${message.messageId} scheduled in ${inMs} ms`);
}

export const schedule_reminder = actor(scheduleReminder, {
  actorName: 'schedule_reminder',
  queueName: 'reminders',
});
