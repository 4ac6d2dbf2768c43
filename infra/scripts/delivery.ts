import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseCaseMessage } from '../../functions/lib/messaging/message.ts';
import { localStackInfo, parseOperatorCommand, stackOutputs } from './operatorCommand.ts';

// `npm run delivery -- status|redrive [--stage <stage>]`
const USAGE = `usage: npm run delivery -- status|redrive [--stage <stage>] [--region <region>]

  status    the number of deliveries waiting, in flight (being tried or backing off) and dead-lettered
  redrive   moves every dead-lettered delivery back to the deliveries queue (after the cause is fixed);
            each is tried again with its delivery id, a delivered case is not sent twice

Against the local stack (.local/stack.json of a running npm start; LOCAL_DATA_DIR) by default; with
--stage against that stage's deployed stack (its outputs DeliveriesQueueUrl and
DeliveriesDeadLetterQueueUrl, read with the AWS CLI and your credentials). docs/delivery.md.`;

const { command, values, fail } = parseOperatorCommand(USAGE, ['status', 'redrive'], {});

interface Target {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterUrl: string;
}

function localTarget(): Target {
  const info = localStackInfo(fail);
  return {
    sqs: new SQSClient({ region: info.region, endpoint: info.sqsEndpoint, credentials: info.credentials }),
    queueUrl: info.queues.deliveries.url,
    deadLetterUrl: info.queues.deliveries.deadLetterUrl,
  };
}

async function awsTarget(stage: string, region: string | undefined): Promise<Target> {
  const output = await stackOutputs(stage, region);
  return { sqs: new SQSClient(region ? { region } : {}), queueUrl: output('DeliveriesQueueUrl'), deadLetterUrl: output('DeliveriesDeadLetterQueueUrl') };
}

async function depth(sqs: SQSClient, url: string): Promise<{ waiting: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/**
 * Moves dead letters back in batches: receive from the dead-letter queue, send to the queue, then
 * delete what was sent. A crash between send and delete leaves a message in both: it is delivered
 * at most once more (the receiver recognises its delivery id), never lost.
 */
async function redrive({ sqs, queueUrl, deadLetterUrl }: Target): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }));
    if (Messages.length === 0) return moved;
    const entries = Messages.map((message, index) => {
      parseCaseMessage(message.Body ?? ''); // only case messages go back; anything else stays for a human
      return { Id: String(index), MessageBody: message.Body ?? '', receipt: message.ReceiptHandle ?? '' };
    });
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.map(({ Id, MessageBody }) => ({ Id, MessageBody })) }));
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const done = entries.filter((entry) => ok.has(entry.Id));
    if (done.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: deadLetterUrl, Entries: done.map(({ Id, receipt }) => ({ Id, ReceiptHandle: receipt })) }));
    }
    moved += done.length;
    if (done.length < entries.length) throw new Error(`${entries.length - done.length} dead letters could not be sent back; run redrive again`);
  }
}

const target = values.stage ? await awsTarget(values.stage, values.region) : localTarget();
try {
  if (command === 'status') {
    const queue = await depth(target.sqs, target.queueUrl);
    const dead = await depth(target.sqs, target.deadLetterUrl);
    process.stdout.write(`deliveries: ${queue.waiting} waiting, ${queue.inFlight} in flight or backing off; dead letters: ${dead.waiting + dead.inFlight}\n`);
  } else {
    process.stdout.write(`moved ${await redrive(target)} dead-lettered deliveries back to the queue\n`);
  }
} finally {
  target.sqs.destroy();
}
