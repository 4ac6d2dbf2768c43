import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { compactDecrypt, importJWK } from 'jose';
import { JWE_ALG, JWE_ENC } from '../../functions/lib/delivery/jwe.ts';
import type { DeliveryPayload, FollowUpPayload, FollowUpType } from '../../functions/lib/delivery/payload.ts';
import { HEADERS, verify } from '../../functions/lib/delivery/signature.ts';
import type { LocalDestination } from './destinations.ts';

/**
 * The reference receiver of deliveries (API.md, "Delivery to back-office systems";
 * docs/delivery.md): what a back-office system (Fachverfahren) does with a delivery, in order.
 *
 *   1. Refuse anything but `POST` with `Content-Type: application/jose` and a bounded body.
 *   2. Check the signature over the exact body bytes, in constant time, and the timestamp (±5
 *      minutes): before anything is decrypted, so a forged or replayed request costs nothing.
 *   3. Recognise a repeated `X-Delivery-Id` (at-least-once delivery: the sender retries whenever it
 *      did not see our 2xx) and answer 2xx again without processing it twice.
 *   4. Decrypt the JWE with the private key, accepting only RSA-OAEP-256 / A256GCM under our `kid`.
 *   5. Store the case (here: `<dir>/<caseId>.json` and its files in `<dir>/<caseId>/`), durably,
 *      and only then answer 2xx: a 2xx means "we have it", the sender stops retrying. A follow-up
 *      (`type` `reply` or `decision`: a citizen's reply, the office's decision) goes to
 *      `<dir>/<caseId>/<messageId>.json`, its files beside the case's.
 */
export const MAX_BODY_BYTES = 100 * 1024 * 1024; // 50 MiB of files, base64, in a JWE
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const FOLLOW_UPS: readonly FollowUpType[] = ['reply', 'decision'];

export interface ReceiverOptions {
  readonly destination: LocalDestination;
  /** Where received cases are written: `.local/received/<office>/`. */
  readonly dir: string;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export interface Receiver {
  readonly server: Server;
  /** Delivery ids seen so far (loaded from `<dir>/deliveries.jsonl` at start). */
  readonly seen: ReadonlySet<string>;
}

class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Refusal(413, 'body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a file so that it is either whole or absent (temp file, then rename). */
function writeWhole(file: string, content: string | Buffer): void {
  writeFileSync(`${file}.tmp`, content, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function createReceiver(options: ReceiverOptions): Receiver {
  const { destination, dir } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const journal = join(dir, 'deliveries.jsonl');
  const seen = new Set<string>(
    existsSync(journal)
      ? readFileSync(journal, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { deliveryId: string }).deliveryId)
      : [],
  );
  const privateKey = importJWK(destination.privateJwk, JWE_ALG);

  async function receive(req: IncomingMessage): Promise<{ status: number; body: object }> {
    // 1. The request's form.
    if (req.method !== 'POST') throw new Refusal(405, 'only POST');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/jose') throw new Refusal(415, 'Content-Type must be application/jose');
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : undefined;
    };
    const deliveryId = header(HEADERS.deliveryId) ?? '';
    const caseId = header(HEADERS.caseId) ?? '';
    if (!ULID.test(deliveryId) || !ULID.test(caseId)) throw new Refusal(400, 'X-Delivery-Id and X-Case-Id must be ULIDs');
    const body = await readBody(req);

    // 2. Signature and timestamp, before anything else is done with the body.
    const failure = verify(destination.secret, { timestamp: header(HEADERS.timestamp), signature: header(HEADERS.signature) }, body, now());
    if (failure) throw new Refusal(401, `signature check failed: ${failure}`);

    // 3. A delivery we already have: acknowledge again, process nothing.
    if (seen.has(deliveryId)) {
      log(`duplicate delivery ${deliveryId} (case ${caseId}): acknowledged again, not stored twice`);
      return { status: 200, body: { status: 'duplicate', deliveryId, caseId } };
    }

    // 4. Decrypt: only the algorithms and the key we published.
    let payload: DeliveryPayload | FollowUpPayload;
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(body.toString('ascii'), await privateKey, {
        keyManagementAlgorithms: [JWE_ALG],
        contentEncryptionAlgorithms: [JWE_ENC],
      });
      if (protectedHeader.kid !== destination.privateJwk.kid) throw new Error('another key id');
      payload = JSON.parse(Buffer.from(plaintext).toString('utf8')) as DeliveryPayload | FollowUpPayload;
    } catch {
      throw new Refusal(400, 'the body is no JWE for our key');
    }
    if (payload.caseId !== caseId) throw new Refusal(400, 'X-Case-Id does not name the delivered case');
    const followUp = 'type' in payload ? payload : undefined;
    if (followUp && (!FOLLOW_UPS.includes(followUp.type) || !ULID.test(followUp.messageId))) throw new Refusal(400, 'an unknown follow-up');

    // 5. Store, then acknowledge. Files first, the case file last: its presence means "complete".
    const files = payload.attachments.map(({ content, ...meta }) => {
      const bytes = Buffer.from(content, 'base64');
      if (createHash('sha256').update(bytes).digest('base64') !== meta.sha256) throw new Refusal(400, `attachment ${meta.attachmentId} fails its checksum`);
      return { meta, bytes };
    });
    if (files.length > 0) mkdirSync(join(dir, caseId), { recursive: true, mode: 0o700 });
    for (const { meta, bytes } of files) writeWhole(join(dir, caseId, meta.attachmentId), bytes);
    if (followUp) mkdirSync(join(dir, caseId), { recursive: true, mode: 0o700 });
    const stored = followUp ? join(dir, caseId, `${followUp.messageId}.json`) : join(dir, `${caseId}.json`);
    writeWhole(stored, `${JSON.stringify({ ...payload, attachments: files.map(({ meta }) => meta), deliveryId }, null, 2)}\n`);
    appendFileSync(journal, `${JSON.stringify({ deliveryId, caseId, ...(followUp ? { messageId: followUp.messageId } : {}), at: new Date(now() * 1000).toISOString() })}\n`, { mode: 0o600 });
    seen.add(deliveryId);
    log(followUp ? `received the ${followUp.type} ${followUp.messageId} of case ${caseId} (delivery ${deliveryId})` : `received case ${caseId} (delivery ${deliveryId})`);
    return { status: 200, body: { status: 'received', deliveryId, caseId } };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    receive(req)
      .catch((error: unknown) => {
        if (error instanceof Refusal) {
          log(`refused: ${error.status} ${error.message}`);
          return { status: error.status, body: { error: error.message } };
        }
        log(`failed: ${error instanceof Error ? error.name : 'unknown error'}`);
        return { status: 500, body: { error: 'internal error' } };
      })
      .then(({ status, body }) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      });
  });
  return { server, seen };
}
