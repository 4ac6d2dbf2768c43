import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { BackoffPolicy } from '../../functions/lib/delivery/backoff.ts';
import { DELIVERY_BACKOFF } from '../../functions/lib/delivery/backoff.ts';
import { parseDestinations } from '../../functions/lib/delivery/destinations.ts';
import type { ExtraSecret } from './kmsOperations.ts';

/**
 * Local delivery destinations (docs/delivery.md). One folder per office under
 * `<dataDir>/destinations/<office>/`, created by `npm run receiver -- --office <office>`:
 *
 * - `destination.json`  `{ "url": "http://127.0.0.1:<port>/" }`, where the receiver listens;
 * - `public.jwk.json`   the destination's public key (RSA 3072, `kid`), what an operator would configure;
 * - `private.jwk.json`  its private key (mode 0600): only the receiver reads it;
 * - `signing-secret`    the shared signing secret (mode 0600).
 *
 * At start the local stack turns every such folder into the worker's destinations file
 * (`<dataDir>/destinations.json`, the same shape the CDK stack ships) and serves each signing
 * secret from the local Secrets Manager as `egov-forms/local/delivery/<office>`.
 */
export const DESTINATION_KEY_BITS = 3072;

export interface LocalDestination {
  readonly office: string;
  readonly url: string;
  readonly publicJwk: JWK & { kid: string };
  readonly privateJwk: JWK & { kid: string };
  readonly secret: string;
}

export const destinationsDir = (dataDir: string): string => join(dataDir, 'destinations');
export const destinationDir = (dataDir: string, office: string): string => join(destinationsDir(dataDir), office);
export const signingSecretName = (office: string): string => `egov-forms/local/delivery/${office}`;

function writePrivate(file: string, content: string): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** Creates the office's destination (key pair, secret) unless it exists, and points it at the port. */
export async function ensureLocalDestination(dataDir: string, office: string, port: number): Promise<LocalDestination> {
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(office)) throw new Error(`not an office name: ${office}`);
  const dir = destinationDir(dataDir, office);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dir, 'private.jwk.json'))) {
    const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: DESTINATION_KEY_BITS, extractable: true });
    const kid = `local-${office}-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
    writeFileSync(join(dir, 'public.jwk.json'), `${JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'RSA-OAEP-256', use: 'enc', key_ops: ['wrapKey'] }, null, 2)}\n`);
    writePrivate(join(dir, 'private.jwk.json'), `${JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'RSA-OAEP-256' }, null, 2)}\n`);
  }
  if (!existsSync(join(dir, 'signing-secret'))) writePrivate(join(dir, 'signing-secret'), randomBytes(48).toString('base64url'));
  writeFileSync(join(dir, 'destination.json'), `${JSON.stringify({ url: `http://127.0.0.1:${port}/` })}\n`);
  return readLocalDestination(dataDir, office);
}

export function readLocalDestination(dataDir: string, office: string): LocalDestination {
  const dir = destinationDir(dataDir, office);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const { url } = JSON.parse(read('destination.json')) as { url: string };
  return {
    office,
    url,
    publicJwk: JSON.parse(read('public.jwk.json')) as LocalDestination['publicJwk'],
    privateJwk: JSON.parse(read('private.jwk.json')) as LocalDestination['privateJwk'],
    secret: read('signing-secret').trim(),
  };
}

/** Every configured local destination. */
export function localDestinations(dataDir: string): LocalDestination[] {
  const dir = destinationsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'destination.json')))
    .map((entry) => readLocalDestination(dataDir, entry.name));
}

/**
 * Writes the worker's destinations file for the local stack and answers it with the signing
 * secrets the local Secrets Manager is to serve. `backoff` lets tests retry in seconds.
 */
export function writeLocalDestinationsFile(dataDir: string, backoff: BackoffPolicy = DELIVERY_BACKOFF): { file: string; secrets: ExtraSecret[] } {
  const found = localDestinations(dataDir);
  const content = {
    allowLoopbackHttp: true,
    backoff,
    destinations: Object.fromEntries(
      found.map((destination) => [destination.office, { url: destination.url, publicKey: destination.publicJwk, signingSecretId: signingSecretName(destination.office) }]),
    ),
  };
  parseDestinations(content, 'the local destinations'); // what the worker will accept, checked here
  const file = join(dataDir, 'destinations.json');
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return { file, secrets: found.map((destination) => ({ name: signingSecretName(destination.office), secretString: destination.secret })) };
}
