import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { caseFilePut } from '#lib/attachments/caseFiles.ts';
import { s3 } from '#lib/attachments/s3.ts';
import { sealMeta } from '#lib/attachments/sealing.ts';
import { objectKeyOf } from '#lib/attachments/upload.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { createCaseStore, newId } from '#lib/cases/store.ts';
import { parseDestinations } from '#lib/delivery/destinations.ts';
import { post as postOverHttp } from '#lib/delivery/post.ts';
import { HEADERS, sign } from '#lib/delivery/signature.ts';
import { createDeliveryState } from '#lib/delivery/state.ts';
import { createVaultAttachments } from '#lib/delivery/vaultAttachments.ts';
import { mapBounded } from '#lib/runtime/concurrency.ts';
import { createDeliver } from '../functions/deliver/deliver.ts';
import { functions } from '../functions/functions.ts';
import { ensureLocalDestination } from '../infra/local/destinations.ts';
import { freePort } from '../infra/local/ports.ts';
import { createReceiver } from '../infra/local/receiver.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { submissionEvent } from '../test/support/events.ts';
import { sampleOf } from '../test/support/forms.ts';
import { OFFICE, type Handler } from './clerkPaths.ts';
import { rawDeliverySteps } from './deliverySteps.ts';
import { compare, rate, type Comparison } from './stats.ts';

/**
 * Deliveries per second through the worker's own path (functions/deliver/deliver.ts with the
 * stores, KMS, DynamoDB and S3 of the local stack: load, MAC check, claim, Decrypt, the audit
 * PutItem, the file names opened and the file read from the vault, encrypt to the destination's
 * key, sign, POST, the `case.delivered` PutItem and the settle), beside its floor: a raw POST of the
 * very bodies the worker sent (re-signed with a fresh timestamp, a fresh delivery id so that the
 * receiver decrypts and stores each again) to the same reference receiver, at the same
 * concurrency (the queue trigger's batch size). Each case carries one PDF of `fileBytes`.
 *
 * The signing secret comes from memory rather than the local Secrets Manager: the worker's own
 * source caches it for 5 minutes, so a warm worker does not fetch it per delivery either.
 */
export interface DeliveryBenchResult {
  deliveriesPerRound: number;
  concurrency: number;
  fileBytes: number;
  bodyBytes: number;
  /** Deliveries per second: subject (worker) / floor (the same steps raw, bench/deliverySteps.ts). */
  steps: Comparison;
  /** Deliveries per second: subject (worker) / floor (raw POST of its body), the first floor. */
  comparison: Comparison;
}

const FORM = 'fischereischein';
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

export async function deliveryBench(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  submit: Handler;
  pairs: number;
  perRound: number;
  fileBytes: number;
  log: (line: string) => void;
}): Promise<DeliveryBenchResult> {
  const { stack, dynamodb, kms } = options;
  const concurrency = functions.deliver.trigger.batchSize;
  const dir = mkdtempSync(join(tmpdir(), 'egov-bench-delivery-'));
  let server: Server | undefined;
  try {
    // The destination and its reference receiver, on a port of their own. The local stack knows no
    // destination, so its own deliver worker skips these cases (no claim, nothing sent).
    const port = await freePort();
    const destination = await ensureLocalDestination(dir, OFFICE, port);
    server = createReceiver({ destination, dir: join(dir, 'received'), log: () => undefined }).server;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', resolve);
    });
    const destinations = parseDestinations({
      allowLoopbackHttp: true,
      destinations: { [OFFICE]: { url: destination.url, publicKey: destination.publicJwk, signingSecretId: 'bench' } },
    });

    // Cases with one file each: submitted through the submit handler, the file as the verdict
    // worker and the submit transaction leave it (vault object, sealed file item in the case's partition).
    // A warm-up round, then fresh cases for each sample of the worker beside each of the two floors.
    const total = (2 * options.pairs + 1) * options.perRound;
    const body = JSON.stringify({ data: sampleOf(FORM) });
    const ids = await mapBounded([...Array(total).keys()], 4, async () => {
      // Seeding is not measured: on a loaded machine a submission may run out of its clients'
      // time (503, nothing stored) and is then sent again.
      let answer = await options.submit(submissionEvent(FORM, body), context);
      for (let attempt = 1; answer.statusCode === 503 && attempt < 5; attempt++) answer = await options.submit(submissionEvent(FORM, body), context);
      if (answer.statusCode !== 201) throw new Error(`submit answered ${answer.statusCode}`);
      const caseId = (JSON.parse(answer.body) as { caseId: string }).caseId;
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(Math.max(0, options.fileBytes - 9))]);
      const attachmentId = newId();
      const ticketContext = { attachmentId, formId: FORM, office: OFFICE };
      const meta = await sealMeta(kms, stack.caseKeyArn, ticketContext, { fileName: 'Prüfungszeugnis.pdf', sha256: createHash('sha256').update(bytes).digest('base64') });
      await s3.send(new PutObjectCommand({ Bucket: stack.buckets.vault, Key: objectKeyOf(attachmentId), Body: bytes }));
      const ticket = { ...ticketContext, formVersion: 3, field: '/examCertificate', mediaType: 'application/pdf' as const, size: bytes.length, meta, status: 'clean' as const, createdAt: new Date().toISOString(), expiresAt: 0 };
      const item = caseFilePut(stack.tables.cases, caseId, ticket, Math.floor(Date.now() / 1000) + 86_400).Put!.Item!;
      await dynamodb.send(new PutItemCommand({ TableName: stack.tables.cases, Item: item }));
      return caseId;
    });
    options.log(`  seeded ${ids.length} cases with a ${options.fileBytes}-byte PDF each`);

    const sent: { headers: Record<string, string>; body: string }[] = [];
    const events = createEventLog(dynamodb, stack.tables.events);
    const deliver = createDeliver({
      cases: createCaseStore(dynamodb, stack.tables.cases, events),
      deliveryState: createDeliveryState(dynamodb, stack.tables.cases, events),
      events,
      kms,
      caseKeyId: stack.caseKeyArn,
      destinations,
      signingSecrets: async () => destination.secret,
      attachments: createVaultAttachments({ kms, attachmentKeyId: stack.caseKeyArn, s3, vaultBucket: stack.buckets.vault }),
      post: async (url, to, headers, payload) => {
        sent.push({ headers, body: payload });
        return postOverHttp(url, to, headers, payload);
      },
    });
    const deliverRound = async (round: string[]): Promise<number> =>
      rate(round.length, concurrency, async (i) => {
        const outcome = await deliver(round[i]!, { receiveCount: 1, firstReceivedAt: Date.now() });
        if (outcome.kind !== 'delivered') throw new Error(`delivery ${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
      });

    // A warm-up round, which also gives the floors their bodies and their cases: the raw steps
    // run on the warm-up's cases (delivered already, so their raw claim is unconditional but for
    // the case's existence), the worker on fresh ones.
    const rounds = Array.from({ length: 2 * options.pairs + 1 }, (_, i) => ids.slice(i * options.perRound, (i + 1) * options.perRound));
    await deliverRound(rounds[0]!);
    const bodies = sent.splice(0);
    const url = new URL(destination.url);
    const rawPost = async (payload: string, headers: Record<string, string>) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const { status } = await postOverHttp(url, { address: '127.0.0.1', family: 4 }, {
        ...headers,
        [HEADERS.deliveryId]: newId(),
        [HEADERS.timestamp]: timestamp,
        [HEADERS.signature]: sign(destination.secret, timestamp, payload),
      }, payload);
      if (status !== 200) throw new Error(`raw POST answered ${status}`);
    };
    const raw = rawDeliverySteps({ stack, dynamodb, kms, destination, data: JSON.parse(body).data as unknown, post: rawPost });
    const warm = rounds[0]!;
    let next = 1;
    const steps = await compare(
      options.pairs,
      () => deliverRound(rounds[next++]!),
      () => rate(warm.length, concurrency, (i) => raw(warm[i]!)),
    );
    options.log(`  delivery: ${steps.subject.toFixed(1)} per s beside its raw steps ${steps.floor.toFixed(1)} per s`);
    // The first floor, for continuity: a raw POST of the very bodies the worker sent.
    const comparison = await compare(
      options.pairs,
      () => deliverRound(rounds[next++]!),
      () => rate(bodies.length, concurrency, (i) => rawPost(bodies[i]!.body, bodies[i]!.headers)),
    );
    options.log(`  delivery: ${comparison.subject.toFixed(1)} per s beside a raw POST of its body ${comparison.floor.toFixed(1)} per s`);
    return { deliveriesPerRound: options.perRound, concurrency, fileBytes: options.fileBytes, bodyBytes: Buffer.byteLength(bodies[0]!.body), steps, comparison };
  } finally {
    if (server) await new Promise((resolve) => server!.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
