import { describe, expect, it, jest } from '@jest/globals';
import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import { createDispatch } from '../../../functions/dispatch/dispatch.ts';

const CASE_A = '01KAZ7W9Y6RDF8XHN3QWQ2V4TE';
const CASE_B = '01KAZ7W9Y6RDF8XHN3QWQ2V4TF';
const queues = { deliveries: 'http://sqs/deliveries', confirmations: 'http://sqs/confirmations' };

const MESSAGE = '01KAZ7W9Y6RDF8XHN3QWQ2V4TG';

function eventRecord(sequence: string, caseId: string, type: string, eventName: DynamoDBRecord['eventName'] = 'INSERT', detail?: string): DynamoDBRecord {
  const image = { caseId: { S: caseId }, type: { S: type }, actor: { S: 'citizen' }, ...(detail ? { detail: { S: detail } } : {}) };
  return { eventName, dynamodb: { SequenceNumber: sequence, NewImage: image } };
}

describe('the dispatch worker', () => {
  it('puts one message with the case id only on each queue for every received case, and nothing for other events', async () => {
    const send = jest.fn(async (_command: unknown) => ({}));
    const dispatch = createDispatch({ sqs: { send } as never, queues });
    const response = await dispatch({
      Records: [eventRecord('1', CASE_A, 'case.received'), eventRecord('2', CASE_A, 'case.viewed'), eventRecord('3', CASE_B, 'case.received', 'MODIFY')],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const sent = send.mock.calls.map(([command]) => (command as SendMessageCommand).input);
    expect(sent).toEqual(
      expect.arrayContaining([
        { QueueUrl: queues.deliveries, MessageBody: JSON.stringify({ caseId: CASE_A }) },
        { QueueUrl: queues.confirmations, MessageBody: JSON.stringify({ caseId: CASE_A }) },
      ]),
    );
    expect(sent).toHaveLength(2);
  });

  it('stops at the first record it could not pass on and reports it, so that it and the rest come again', async () => {
    const send = jest.fn(async (command: unknown) => {
      if ((command as SendMessageCommand).input.MessageBody?.includes(CASE_B)) throw new Error('SQS down');
      return {};
    });
    const dispatch = createDispatch({ sqs: { send } as never, queues });
    const response = await dispatch({
      Records: [eventRecord('1', CASE_A, 'case.received'), eventRecord('2', CASE_B, 'case.received'), eventRecord('3', CASE_A, 'case.received')],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    // Two sends for the first record, two attempted for the second, none for the third.
    expect(send).toHaveBeenCalledTimes(4);
  });

  it("passes an office's message to the confirmations (news mail) and the deliveries (a decision's follow-up), a citizen's reply to the deliveries only", async () => {
    const send = jest.fn(async (_command: unknown) => ({}));
    const dispatch = createDispatch({ sqs: { send } as never, queues });
    const response = await dispatch({
      Records: [eventRecord('1', CASE_A, 'case.message_sent', 'INSERT', MESSAGE), eventRecord('2', CASE_B, 'case.reply_received', 'INSERT', MESSAGE), eventRecord('3', CASE_B, 'case.reply_received')],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    const sent = send.mock.calls.map(([command]) => (command as SendMessageCommand).input);
    expect(sent).toEqual(
      expect.arrayContaining([
        { QueueUrl: queues.confirmations, MessageBody: JSON.stringify({ caseId: CASE_A, messageId: MESSAGE }) },
        { QueueUrl: queues.deliveries, MessageBody: JSON.stringify({ caseId: CASE_A, messageId: MESSAGE }) },
        { QueueUrl: queues.deliveries, MessageBody: JSON.stringify({ caseId: CASE_B, messageId: MESSAGE }) },
      ]),
    );
    expect(sent).toHaveLength(3); // a reply event without its message id is no follow-up
  });
});
