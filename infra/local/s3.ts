import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LocalCredentials } from './credentials.ts';

// s3rver is CommonJS without type declarations: the little of it used here, typed by hand.
interface KoaContext {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  status: number;
}
interface StoredObject {
  content: AsyncIterable<Buffer>;
}
interface S3rverStore {
  existsObject(bucket: string, key: string): Promise<boolean>;
  getObject(bucket: string, key: string): Promise<StoredObject | null>;
  deleteObject(bucket: string, key: string): Promise<void>;
  putSubresource(bucket: string, key: string | undefined, config: unknown): Promise<void>;
}
interface S3rverInstance {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  store: S3rverStore;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, unknown>) => Error;

const require = createRequire(import.meta.url);
const S3rver = require('@20minutes/s3rver') as S3rverClass;
const S3Error = require('@20minutes/s3rver/lib/models/error') as S3ErrorClass;
const { getConfigModel } = require('@20minutes/s3rver/lib/models/config') as { getConfigModel(type: 'cors' | 'tagging'): { validate(xml: string): unknown } };
const AWSAccount = require('@20minutes/s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };

export interface LocalBuckets {
  quarantine: string;
  vault: string;
  /** The audit checkpoints: locked as Object Lock in compliance mode locks them in AWS (no delete, create-only writes). */
  checkpoints: string;
}

export const LOCAL_BUCKETS: LocalBuckets = { quarantine: 'egov-forms-quarantine', vault: 'egov-forms-vault', checkpoints: 'egov-forms-checkpoints' };

export interface LocalS3 {
  endpoint: string;
  buckets: LocalBuckets;
  /**
   * The bucket's CORS rule, as infra/constructs/attachments.ts sets it in AWS: the citizens' portals
   * PUT uploads into quarantine (with the ticket's headers), the console GETs files from the vault,
   * both through presigned URLs.
   */
  allowCors(bucket: string, rule: CorsRule): Promise<void>;
  stop(): Promise<void>;
}

export interface CorsRule {
  readonly origins: readonly string[];
  readonly methods: readonly ('GET' | 'PUT')[];
  /** Request headers a preflight may name. */
  readonly headers?: readonly string[];
}

export interface LocalS3Options {
  dataDir: string;
  credentials: LocalCredentials;
  buckets?: LocalBuckets;
  /** Called after an object was stored (and its checksum verified), as S3 would notify. */
  onObjectCreated?: (bucket: string, key: string, read: () => Promise<Buffer>) => void;
}

const xmlText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The tagging configuration s3rver stores, from an `x-amz-tagging` header (URL query encoding). */
function taggingOf(header: string): unknown {
  const tags = [...new URLSearchParams(header)].map(([key, value]) => `<Tag><Key>${xmlText(key)}</Key><Value>${xmlText(value)}</Value></Tag>`);
  return getConfigModel('tagging').validate(`<Tagging><TagSet>${tags.join('')}</TagSet></Tagging>`);
}

async function readAll(content: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The local S3-compatible store: s3rver on 127.0.0.1, which verifies SigV4 signatures (headers and
 * presigned URLs, with their signed headers and expiry) with the stack's credentials. A small
 * middleware in front adds what S3 does and s3rver does not: refusing unsigned requests,
 * `If-None-Match: *` on PUT (no overwrite), the `x-amz-checksum-sha256` of a PUT (`BadDigest`,
 * and the object is not kept), and the tags an `x-amz-tagging` header sets on a PUT or a copy
 * (with `x-amz-tagging-directive: REPLACE`); and it strips the trailing `/` the SDK puts on
 * bucket-level calls.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const buckets = options.buckets ?? LOCAL_BUCKETS;
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(options.credentials.accessKeyId, options.credentials.secretAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: buckets.quarantine }, { name: buckets.vault }, { name: buckets.checkpoints }],
  });
  const header = (ctx: KoaContext, name: string): string | undefined => {
    const value = ctx.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };

  // S3 decides a conditional PUT atomically: of racing `If-None-Match: *` writes of one key, one
  // wins and the others get 412. s3rver checks and writes in steps, so such writes of one key are
  // taken in turn here (the checkpoint worker's duplicate runs race like that).
  const conditionalWrites = new Map<string, Promise<void>>();
  const inTurn = async (key: string, step: () => Promise<void>): Promise<void> => {
    const before = conditionalWrites.get(key) ?? Promise.resolve();
    const mine = before.then(step, step);
    const settled = mine.then(() => undefined, () => undefined);
    conditionalWrites.set(key, settled);
    try {
      await mine;
    } finally {
      if (conditionalWrites.get(key) === settled) conditionalWrites.delete(key);
    }
  };

  server.middleware.unshift(async (ctx, next) => {
    const created = header(ctx, 'if-none-match') === '*' && ctx.method === 'PUT' && header(ctx, 'x-amz-copy-source') === undefined;
    return created ? inTurn(ctx.path, () => handle(ctx, next)) : handle(ctx, next);
  });
  const handle = async (ctx: KoaContext, next: () => Promise<unknown>): Promise<void> => {
    const signed = header(ctx, 'authorization') !== undefined || 'X-Amz-Algorithm' in ctx.query;
    if (!signed && ctx.method !== 'OPTIONS') throw new S3Error('AccessDenied', 'Access Denied');
    const parts = ctx.path.split('/').filter((part, index) => index > 0 || part !== '');
    if (parts.length === 2 && parts[1] === '') ctx.path = `/${parts[0] ?? ''}`;
    const [bucket, ...keyParts] = ctx.path.slice(1).split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const isPut = ctx.method === 'PUT' && bucket !== undefined && key !== '' && header(ctx, 'x-amz-copy-source') === undefined;
    // The checkpoint bucket's lock (infra/constructs/audit.ts): nothing is deleted, nothing overwritten.
    if (bucket === buckets.checkpoints && key !== '') {
      if (ctx.method === 'DELETE' || (ctx.method === 'POST' && 'delete' in ctx.query)) throw new S3Error('AccessDenied', 'Access Denied (checkpoints are locked)');
      if (ctx.method === 'PUT' && header(ctx, 'if-none-match') !== '*') throw new S3Error('AccessDenied', 'Access Denied (checkpoints are written create-only, with If-None-Match: *)');
    }
    if (isPut && header(ctx, 'if-none-match') === '*' && (await server.store.existsObject(bucket, key))) {
      throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' });
    }
    await next();
    const isCopy = ctx.method === 'PUT' && key !== '' && header(ctx, 'x-amz-copy-source') !== undefined;
    const tagging = header(ctx, 'x-amz-tagging');
    const setsTags = tagging !== undefined && (isPut || (isCopy && header(ctx, 'x-amz-tagging-directive') === 'REPLACE'));
    if (setsTags && ctx.status === 200 && bucket !== undefined) await server.store.putSubresource(bucket, key, taggingOf(tagging));
    if (!isPut || ctx.status !== 200) return;
    const read = async (): Promise<Buffer> => {
      const object = await server.store.getObject(bucket, key);
      return object ? readAll(object.content) : Buffer.alloc(0);
    };
    const declared = header(ctx, 'x-amz-checksum-sha256');
    if (declared !== undefined && createHash('sha256').update(await read()).digest('base64') !== declared) {
      await server.store.deleteObject(bucket, key);
      throw new S3Error('BadDigest', 'The sha256 you specified did not match the calculated checksum.');
    }
    options.onObjectCreated?.(bucket, key, read);
  };

  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    buckets,
    async allowCors(bucket, rule) {
      const element = (name: string) => (value: string) => `<${name}>${xmlText(value)}</${name}>`;
      const xml =
        '<CORSConfiguration><CORSRule>' +
        rule.origins.map(element('AllowedOrigin')).join('') +
        rule.methods.map(element('AllowedMethod')).join('') +
        (rule.headers ?? []).map(element('AllowedHeader')).join('') +
        '<MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>';
      await server.store.putSubresource(bucket, undefined, getConfigModel('cors').validate(xml));
    },
    stop: () => server.close(),
  };
}
