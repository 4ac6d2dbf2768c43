// Issue 25, point 9: an SES throttle is a free retry. It costs the confirmation (and the news mail)
// none of its limited attempts and never dead-letters; a real failure still counts. The worker
// runs as Lambda runs it (batch.ts queueWorker) on a model of SQS: receive counts, batch item
// failures, delayed copies with message attributes, and the redrive after `maxReceiveCount`.
import { describe, expect, it } from '@jest/globals';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { LoadedCase } from '#lib/cases/store.ts';
import { ATTEMPTS_ATTRIBUTE, MAX_DELAY_SECONDS, queueWorker } from '#lib/messaging/batch.ts';
import { caseMessageBody } from '#lib/messaging/message.ts';
import { QUEUES } from '#lib/messaging/queues.ts';
import { sesMailer } from '#lib/status/mailer.ts';
import { createConfirmationAttempts, THROTTLE_PAUSE_SECONDS } from '../../../functions/confirm/attempts.ts';
import { storedCase, world } from '../../support/confirmationWorld.ts';

const { maxReceiveCount } = QUEUES.confirmations;
const SETTINGS = { fromAddress: 'noreply@kreis.example', statusPageUrl: 'https://formulare.example.de/status' };

/** SES that answers each send with the next of `answers` (an error name throws, 'ok' sends), then 'ok'. */
function scriptedSes(answers: string[]) {
  let sends = 0;
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof SendEmailCommand)) throw new Error('unexpected SES call');
      const answer = answers.shift() ?? 'ok';
      if (answer !== 'ok') throw Object.assign(new Error(answer), { name: answer });
      sends++;
      return { MessageId: `m${sends}` };
    },
  } as unknown as SESv2Client;
  return { client, sends: () => sends };
}

interface Queued {
  id: string;
  body: string;
  receives: number;
  attributes: Record<string, string>;
}

/** Runs the worker over a modelled queue until it is empty; time is not modelled (every pause ends before the next batch). */
async function drain(stored: LoadedCase, ses: SESv2Client, bodies: string[]) {
  const { confirm, events } = world(stored, sesMailer(ses, SETTINGS));
  let nextId = 0;
  const queue: Queued[] = bodies.map((body) => ({ id: `q${nextId++}`, body, receives: 0, attributes: {} }));
  const deadLetters: Queued[] = [];
  const delays: number[] = [];
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof SendMessageCommand) {
        delays.push(command.input.DelaySeconds ?? 0);
        const attributes = Object.fromEntries(Object.entries(command.input.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']));
        queue.push({ id: `q${nextId++}`, body: command.input.MessageBody ?? '', receives: 0, attributes });
      } else if (!(command instanceof ChangeMessageVisibilityCommand)) throw new Error('unexpected SQS call');
      return {};
    },
  };
  const handler = queueWorker(createConfirmationAttempts({ confirm, maxReceiveCount, log: () => undefined, random: () => 0.5 }), { sqs, queueUrl: 'http://confirmations' });
  for (let batches = 0; queue.length > 0; batches++) {
    if (batches > 200) throw new Error('the queue never drained');
    const batch = queue.splice(0, 10);
    // The redrive: a message received maxReceiveCount times moves on its next receive.
    for (const message of batch.filter((m) => m.receives >= maxReceiveCount)) deadLetters.push(message);
    const received = batch.filter((m) => m.receives < maxReceiveCount);
    for (const message of received) message.receives++;
    const event: SQSEvent = {
      Records: received.map((message) => ({
        messageId: message.id,
        receiptHandle: `r-${message.id}-${message.receives}`,
        body: message.body,
        attributes: { ApproximateReceiveCount: String(message.receives), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
        messageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([name, value]) => [name, { dataType: 'Number', stringValue: value, stringListValues: [], binaryListValues: [] }])),
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:confirmations',
        awsRegion: 'eu-central-1',
      })),
    };
    const failed = new Set((await handler(event)).batchItemFailures.map((failure) => failure.itemIdentifier));
    // A failed message comes back; a handled one is deleted.
    queue.push(...received.filter((message) => failed.has(message.id)));
  }
  const count = (type: string) => events.filter((e) => e.type === type).length;
  return { deadLetters, delays, count };
}

describe('SES throttling of the confirmation worker', () => {
  it(`more throttles than the ${maxReceiveCount} attempts, then success: exactly one mail, one event, nothing dead-lettered`, async () => {
    const { stored } = await storedCase();
    const ses = scriptedSes(Array.from({ length: maxReceiveCount * 2 }, (_, i) => (i % 2 === 0 ? 'TooManyRequestsException' : 'LimitExceededException')));
    const { deadLetters, delays, count } = await drain(stored, ses.client, [caseMessageBody(stored.summary.caseId)]);
    expect(ses.sends()).toBe(1);
    expect(count('case.confirmation_sent')).toBe(1);
    expect(count('case.confirmation_failed')).toBe(0);
    expect(deadLetters).toEqual([]);
    // Each throttle came back as a delayed copy, within AWS's "up to 10 minutes" and SQS's limit.
    expect(delays).toHaveLength(maxReceiveCount * 2);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(THROTTLE_PAUSE_SECONDS.min);
      expect(delay).toBeLessThanOrEqual(Math.min(THROTTLE_PAUSE_SECONDS.max, MAX_DELAY_SECONDS));
    }
  });

  it('copies of the message in one batch, throttled, still send one mail and record it once', async () => {
    const { stored } = await storedCase();
    const ses = scriptedSes(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);
    const body = caseMessageBody(stored.summary.caseId);
    const { deadLetters, count } = await drain(stored, ses.client, [body, body, body]);
    expect(ses.sends()).toBe(1);
    expect(count('case.confirmation_sent')).toBe(1);
    expect(deadLetters).toEqual([]);
  });

  it('the news mail too: throttles cost no attempt, one mail, one case.citizen_notified', async () => {
    const { stored } = await storedCase();
    const ses = scriptedSes(Array.from({ length: maxReceiveCount + 2 }, () => 'TooManyRequestsException'));
    const { deadLetters, count } = await drain(stored, ses.client, [caseMessageBody(stored.summary.caseId, '01JD3ZK8Y2V7Q9W4X6T5R3M1NC')]);
    expect(ses.sends()).toBe(1);
    expect(count('case.citizen_notified')).toBe(1);
    expect(deadLetters).toEqual([]);
  });

  it('a failure that is no throttle still counts, across the copies a throttle made: one failure recorded, then the dead-letter queue', async () => {
    const { stored } = await storedCase();
    // Real failures, each followed by a throttle: the copies carry the attempts that counted.
    const answers = Array.from({ length: maxReceiveCount * 2 }, (_, i) => (i % 2 === 0 ? 'InternalFailure' : 'TooManyRequestsException'));
    const ses = scriptedSes([...answers, ...Array.from({ length: 20 }, () => 'InternalFailure')]);
    const { deadLetters, count } = await drain(stored, ses.client, [caseMessageBody(stored.summary.caseId)]);
    expect(ses.sends()).toBe(0);
    expect(count('case.confirmation_failed')).toBe(1);
    expect(deadLetters).toHaveLength(1);
    expect(Number(deadLetters[0]?.attributes[ATTEMPTS_ATTRIBUTE] ?? 0) + (deadLetters[0]?.receives ?? 0)).toBeGreaterThanOrEqual(maxReceiveCount);
  });
});
