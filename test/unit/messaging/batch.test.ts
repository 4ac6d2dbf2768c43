import { describe, expect, it, jest } from '@jest/globals';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { MAX_VISIBILITY_SECONDS, queueWorker, receiveCountOf, retryAfter } from '#lib/messaging/batch.ts';
import { caseMessageBody, parseCaseMessage } from '#lib/messaging/message.ts';

const CASE_A = '01KAZ7W9Y6RDF8XHN3QWQ2V4TE';
const CASE_B = '01KAZ7W9Y6RDF8XHN3QWQ2V4TF';

function record(messageId: string, body: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-central-1:000000000000:q',
    awsRegion: 'eu-central-1',
  };
}

function sqsSpy() {
  const send = jest.fn(async (_command: unknown) => ({}));
  return { sqs: { send } as never, send };
}

describe('case messages', () => {
  it('carry the case id and nothing else', () => {
    expect(JSON.parse(caseMessageBody(CASE_A))).toEqual({ caseId: CASE_A });
    expect(parseCaseMessage(caseMessageBody(CASE_A))).toEqual({ caseId: CASE_A });
  });

  it.each([
    ['not JSON', 'case'],
    ['an array', '[]'],
    ['no case id', '{}'],
    ['a case id that is no ULID', '{"caseId":"case-1"}'],
    ['more than the case id', `{"caseId":"${CASE_A}","data":{"name":"x"}}`],
  ])('refuse a body that is %s', (_, body) => {
    expect(() => parseCaseMessage(body)).toThrow(expect.objectContaining({ name: 'MalformedMessageError' }));
  });

  it('are never built from anything but a ULID', () => {
    expect(() => caseMessageBody('Max Mustermann')).toThrow();
  });
});

describe('a queue worker', () => {
  it('reports exactly the failed messages of a batch, so only they come back', async () => {
    const { sqs } = sqsSpy();
    const handled: string[] = [];
    const worker = queueWorker(
      async ({ caseId }) => {
        handled.push(caseId);
        if (caseId === CASE_B) throw new Error('receiver down');
      },
      { sqs, queueUrl: 'http://queue' },
    );
    const response = await worker({ Records: [record('m1', caseMessageBody(CASE_A)), record('m2', caseMessageBody(CASE_B))] });
    expect(handled.sort()).toEqual([CASE_A, CASE_B]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('sets the pause a worker asks for with retryAfter before reporting the failure', async () => {
    const { sqs, send } = sqsSpy();
    const worker = queueWorker(
      async () => {
        throw retryAfter(240);
      },
      { sqs, queueUrl: 'http://queue' },
    );
    const response = await worker({ Records: [record('m1', caseMessageBody(CASE_A))] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    const command = send.mock.calls[0]?.[0] as ChangeMessageVisibilityCommand;
    expect(command).toBeInstanceOf(ChangeMessageVisibilityCommand);
    expect(command.input).toEqual({ QueueUrl: 'http://queue', ReceiptHandle: 'receipt-m1', VisibilityTimeout: 240 });
  });

  it('still reports the failure when the pause cannot be set (the message then comes back after the default)', async () => {
    const send = jest.fn(async () => {
      throw new Error('SQS down');
    });
    const worker = queueWorker(
      async () => {
        throw retryAfter(60);
      },
      { sqs: { send } as never, queueUrl: 'http://queue' },
    );
    expect(await worker({ Records: [record('m1', caseMessageBody(CASE_A))] })).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('reports a message that is no case message without calling the worker', async () => {
    const { sqs } = sqsSpy();
    const handleOne = jest.fn(async () => undefined);
    const worker = queueWorker(handleOne, { sqs, queueUrl: 'http://queue' });
    expect(await worker({ Records: [record('m1', '{"caseId":"nope"}')] })).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(handleOne).not.toHaveBeenCalled();
  });

  it('bounds a pause by what SQS allows and reads the receive count', () => {
    expect(retryAfter(10 ** 9).seconds).toBe(MAX_VISIBILITY_SECONDS);
    expect(retryAfter(-5).seconds).toBe(0);
    expect(receiveCountOf(record('m1', '{}', 7))).toBe(7);
    expect(receiveCountOf({ ...record('m1', '{}'), attributes: {} as SQSRecord['attributes'] })).toBe(1);
  });
});
