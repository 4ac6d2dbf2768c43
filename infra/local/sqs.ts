import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRequestHandler } from 'local-aws-sqs';
import type { BackoffPolicy } from '../../functions/lib/delivery/backoff.ts';
import { QUEUES, deadLetterQueueNameOf, deliveriesMaxReceiveCount, queueNameOf } from '../../functions/lib/messaging/queues.ts';
import { QUEUE_NEEDS, type QueueNeed } from '../../functions/lib/runtime/needs.ts';
import { freePort } from './ports.ts';

/**
 * The local queues: `local-aws-sqs` (SQS's JSON protocol, visibility timeouts, redrive to a
 * dead-letter queue after `maxReceiveCount` receives) on 127.0.0.1, with the queues and settings of
 * functions/lib/messaging/queues.ts. It keeps messages in memory only; so that a stopped stack loses
 * no case, every message sent and every message deleted is journalled in `<dataDir>/sqs-journal.jsonl`
 * and what was sent and not deleted is sent again at the next start (at least once, as SQS). A
 * message that the redrive policy had moved to a dead-letter queue comes back to its source queue.
 * Messages carry case ids only (functions/lib/messaging/message.ts), so the journal holds no data.
 */
export const LOCAL_QUEUE_PREFIX = 'egov-forms-local';
const ACCOUNT = '000000000000';

export interface LocalQueue {
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

export interface LocalSqs {
  readonly endpoint: string;
  readonly queues: Readonly<Record<QueueNeed, LocalQueue>>;
  close(): Promise<void>;
}

export interface LocalSqsOptions {
  readonly dataDir: string;
  readonly region: string;
  /** Overrides every queue's visibility timeout (tests: retries in seconds instead of a minute). */
  readonly visibilityTimeoutSeconds?: number;
  /** The deliveries' retry timing when it is not the stacks' (tests): the redrive limit follows it. */
  readonly deliveryBackoff?: BackoffPolicy;
}

type JournalEntry = { op: 'send'; queue: string; id: string; body: string } | { op: 'delete'; id: string };

interface Journal {
  /** What was sent and not yet deleted, in order, by message id. */
  live: Map<string, { queue: string; body: string }>;
}

function readJournal(file: string): Journal {
  const live = new Map<string, { queue: string; body: string }>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // a line torn by a crash mid-write
      }
      if (entry.op === 'send') live.set(entry.id, { queue: entry.queue, body: entry.body });
      else live.delete(entry.id);
    }
  }
  return { live };
}

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const arnOf = (name: string) => `arn:aws:sqs:${options.region}:${ACCOUNT}:${name}`;
  const urlOf = (name: string) => `${endpoint}/${ACCOUNT}/${name}`;
  const initial = QUEUE_NEEDS.flatMap((need) => {
    const settings = QUEUES[need];
    const maxReceiveCount = need === 'deliveries' && options.deliveryBackoff ? deliveriesMaxReceiveCount(options.deliveryBackoff) : settings.maxReceiveCount;
    const deadLetterName = deadLetterQueueNameOf(LOCAL_QUEUE_PREFIX, need);
    return [
      { QueueName: deadLetterName, Attributes: { MessageRetentionPeriod: 14 * 86_400 } },
      {
        QueueName: queueNameOf(LOCAL_QUEUE_PREFIX, need),
        Attributes: {
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? settings.visibilityTimeoutSeconds,
          MessageRetentionPeriod: settings.retentionDays * 86_400,
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(deadLetterName), maxReceiveCount }),
        },
      },
    ];
  });
  const { requestHandler } = createRequestHandler({
    port,
    hostname: '127.0.0.1',
    region: options.region,
    accountId: ACCOUNT,
    emulateQueueCreationLifecycle: false,
    queues: initial,
  });

  const journalFile = join(options.dataDir, 'sqs-journal.jsonl');
  const journal = readJournal(journalFile);
  const receipts = new Map<string, string>(); // receipt handle → message id
  const record = (entry: JournalEntry) => appendFileSync(journalFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  const queueNameOfUrl = (url: unknown) => (typeof url === 'string' ? (url.split('/').at(-1) ?? '') : '');

  /** Observes a finished JSON-protocol exchange and journals what changed the queues' content. */
  function journalExchange(action: string, request: Record<string, unknown>, response: Record<string, unknown>): void {
    const queue = queueNameOfUrl(request.QueueUrl);
    switch (action) {
      case 'SendMessage':
        if (typeof response.MessageId === 'string') record({ op: 'send', queue, id: response.MessageId, body: String(request.MessageBody) });
        return;
      case 'SendMessageBatch': {
        const entries = new Map(((request.Entries ?? []) as { Id: string; MessageBody: string }[]).map((entry) => [entry.Id, entry.MessageBody]));
        for (const sent of (response.Successful ?? []) as { Id: string; MessageId: string }[]) {
          record({ op: 'send', queue, id: sent.MessageId, body: String(entries.get(sent.Id)) });
        }
        return;
      }
      case 'ReceiveMessage':
        for (const message of (response.Messages ?? []) as { MessageId: string; ReceiptHandle: string }[]) receipts.set(message.ReceiptHandle, message.MessageId);
        return;
      case 'DeleteMessage': {
        const id = receipts.get(String(request.ReceiptHandle));
        if (id) record({ op: 'delete', id });
        return;
      }
      case 'DeleteMessageBatch': {
        const handles = new Map(((request.Entries ?? []) as { Id: string; ReceiptHandle: string }[]).map((entry) => [entry.Id, entry.ReceiptHandle]));
        for (const deleted of (response.Successful ?? []) as { Id: string }[]) {
          const id = receipts.get(handles.get(deleted.Id) ?? '');
          if (id) record({ op: 'delete', id });
        }
        return;
      }
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
      // The library reads the request as a stream: hand it the buffered body with the same head.
      // No 'close' after 'end': the library takes a closed request for a client gone during a long poll.
      const stream = new Readable({ read() {}, emitClose: false, autoDestroy: false });
      stream.push(body);
      stream.push(null);
      const replay = Object.assign(stream, { headers: req.headers, method: req.method, url: req.url, socket: req.socket });
      const sent: Buffer[] = [];
      const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (chunk) sent.push(Buffer.from(chunk as string));
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((...args: unknown[]) => {
        const chunk = args[0];
        if (chunk && typeof chunk !== 'function') sent.push(Buffer.from(chunk as string));
        if (action && res.statusCode < 300) {
          try {
            journalExchange(action, JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>, JSON.parse(Buffer.concat(sent).toString('utf8') || '{}') as Record<string, unknown>);
          } catch {
            // not JSON: the Query protocol, which the SDK v3 does not use
          }
        }
        return end(...args);
      }) as typeof res.end;
      void requestHandler(replay as unknown as IncomingMessage, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  // Start over from a compacted journal: what was live is sent again (new message ids).
  writeFileSync(`${journalFile}.tmp`, '', { mode: 0o600 });
  renameSync(`${journalFile}.tmp`, journalFile);
  for (const { queue, body } of journal.live.values()) {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: urlOf(queue), MessageBody: body }),
    });
    if (!response.ok) throw new Error(`local SQS: could not restore a message of ${queue} (${response.status})`);
  }

  const queues = Object.fromEntries(
    QUEUE_NEEDS.map((need) => {
      const name = queueNameOf(LOCAL_QUEUE_PREFIX, need);
      const deadLetterName = deadLetterQueueNameOf(LOCAL_QUEUE_PREFIX, need);
      return [need, { url: urlOf(name), arn: arnOf(name), deadLetterUrl: urlOf(deadLetterName), deadLetterArn: arnOf(deadLetterName) }];
    }),
  ) as Record<QueueNeed, LocalQueue>;

  return {
    endpoint,
    queues,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
