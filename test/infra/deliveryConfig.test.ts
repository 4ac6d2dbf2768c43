import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { defaultStageName, loadStageConfig, STAGES_DIR } from '../../infra/config.ts';

let dir: string;
const dev = JSON.parse(readFileSync(join(STAGES_DIR, `${defaultStageName()}.json`), 'utf8')) as Record<string, unknown>;

async function writeKey(name: string, bits: number, extra: Record<string, unknown> = {}): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: bits, extractable: true });
  const jwk = { ...(await exportJWK(extra.private ? privateKey : publicKey)), kid: `${name}-1`, ...extra };
  delete (jwk as Record<string, unknown>).private;
  writeFileSync(join(dir, `${name}.jwk.json`), JSON.stringify(jwk));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-destinations-'));
  await writeKey('good', 3072, { key_ops: ['wrapKey'] });
  await writeKey('short', 2048);
  await writeKey('private', 3072, { private: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(destinations: unknown) {
  const stageFile = join(dir, `stage-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(stageFile, JSON.stringify({ ...dev, destinations }));
  return loadStageConfig((key) => ({ stage: 'dev', stageFile })[key]);
}

describe('delivery destinations in the stage configuration', () => {
  it('are optional', () => {
    expect(load(undefined).destinations).toEqual({});
  });

  it('take an HTTPS URL and a public key file relative to the stage file', () => {
    const config = load({ ordnungsamt: { url: 'https://fachverfahren.kreis.example/inbox', publicKeyFile: 'good.jwk.json' } });
    expect(config.destinations.ordnungsamt).toEqual({ url: 'https://fachverfahren.kreis.example/inbox', publicKeyFile: join(dir, 'good.jwk.json') });
  });

  it.each([
    ['http://fachverfahren.kreis.example/inbox', /must be HTTPS/],
    ['http://127.0.0.1:8787/', /must be HTTPS/],
    ['https://10.0.0.8/inbox', /private/],
    ['https://169.254.169.254/latest', /private/],
    ['https://localhost/inbox', /this machine/],
    // Issue 25, point 16: other spellings of this machine and of private hosts fail the synth as well.
    ['https://localhost./inbox', /this machine/],
    ['https://fachverfahren.kreis.example./inbox', /trailing dot/],
    ['https://fachverfahren/inbox', /fully qualified/],
    ['https://ip-10-0-0-7.eu-central-1.compute.internal/', /private network/],
    ['https://127.1/', /private/],
    ['https://0x7f000001/', /private/],
    ['https://[::ffff:7f00:1]/', /private/],
    ['https://[::127.0.0.1]/', /private/],
  ])('refuse the URL %s', (url, message) => {
    expect(() => load({ ordnungsamt: { url, publicKeyFile: 'good.jwk.json' } })).toThrow(message);
  });

  it('refuse a key shorter than 3072 bits, a private key, a missing file, naming the file', () => {
    const url = 'https://fachverfahren.kreis.example/inbox';
    expect(() => load({ ordnungsamt: { url, publicKeyFile: 'short.jwk.json' } })).toThrow(/short\.jwk\.json is no usable public key: .*3072/);
    expect(() => load({ ordnungsamt: { url, publicKeyFile: 'private.jwk.json' } })).toThrow(/private\.jwk\.json is no usable public key: .*private key material/);
    expect(() => load({ ordnungsamt: { url, publicKeyFile: 'missing.jwk.json' } })).toThrow(/cannot read the key .*missing\.jwk\.json/);
  });

  it('are for known offices only', () => {
    expect(() => load({ bauamt: { url: 'https://fv.kreis.example/', publicKeyFile: 'good.jwk.json' } })).toThrow(/destinations/);
  });
});
