import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { exportJWK, generateKeyPair } from 'jose';
import { DELIVERY_BACKOFF, receivesCovering } from '#lib/delivery/backoff.ts';
import { parseDestinations } from '#lib/delivery/destinations.ts';
import { STAGES_DIR, defaultStageName } from '../../infra/config.ts';
import { DELIVERY_WRITABLE_ATTRIBUTES } from '../../infra/constructs/grants.ts';
import { undocumentedOutputs } from './documentedOutputs.ts';
import { actionMatches, resourceRefersTo, statementsOfRole, synthStage, type Statement, type Synthesized } from './synth.ts';

// dev with one destination, as an operator would configure it.
let dir: string;
let dev: Synthesized;
const URL_OF_DESTINATION = 'https://fachverfahren.kreis.example/egov-inbox';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-delivery-infra-'));
  const { publicKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: 3072, extractable: true });
  writeFileSync(join(dir, 'ordnungsamt.jwk.json'), JSON.stringify({ ...(await exportJWK(publicKey)), kid: 'fv-ordnungsamt-1', key_ops: ['wrapKey'] }));
  const stage = JSON.parse(readFileSync(join(STAGES_DIR, `${defaultStageName()}.json`), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'dev.json'), JSON.stringify({ ...stage, destinations: { ordnungsamt: { url: URL_OF_DESTINATION, publicKeyFile: 'ordnungsamt.jwk.json' } } }));
  dev = synthStage('dev', { context: { stageFile: join(dir, 'dev.json') } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const logicalId = (construct: { node: { defaultChild?: unknown } }): string => dev.stack.getLogicalId(construct.node.defaultChild as CfnResource);
const deliverStatements = (): Statement[] => statementsOfRole(dev.template, logicalId(dev.stack.functions.byName('deliver').role));
const resources = () => dev.template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const allowing = (statements: Statement[], action: string) => statements.filter((s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, action)));

describe('delivery infrastructure', () => {
  it('outputs each destination\'s signing secret under a name docs/deploy.md gives', () => {
    expect(Object.keys(dev.template.toJSON().Outputs as object).filter((name) => name.startsWith('DeliverySigningSecretArn'))).toHaveLength(1);
    expect(undocumentedOutputs(dev)).toEqual([]);
  });

  it('creates a KMS-encrypted signing secret per destination, its value generated, never in the template', () => {
    const secrets = Object.values(resources()).filter((r) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === 'egov-forms/kreis-bergstrasse-dev/delivery/ordnungsamt');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.Properties).toMatchObject({ KmsKeyId: expect.anything(), GenerateSecretString: expect.objectContaining({ PasswordLength: 64 }) });
    expect(secrets[0]!.Properties).not.toHaveProperty('SecretString');
  });

  it('ships the worker a destinations file it accepts: HTTPS only, the public key, the secret by name', () => {
    const file = parseDestinations(JSON.parse(dev.stack.delivery.destinationsFile));
    expect(file.policy.allowLoopbackHttp).toBe(false);
    expect(file.destinations.get('ordnungsamt')).toMatchObject({ url: new URL(URL_OF_DESTINATION), signingSecretId: 'egov-forms/kreis-bergstrasse-dev/delivery/ordnungsamt' });
  });

  it('lets the delivery role write nothing on a case but its delivery state', () => {
    const statements = deliverStatements();
    const cases = logicalId(dev.stack.data.cases);
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:TransactWriteItems'].flatMap((action) =>
      allowing(statements, action).filter((s) => resourceRefersTo(s, cases)),
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const statement of writes) {
      expect(statement.Action).toEqual(['dynamodb:UpdateItem']);
      expect(statement.Condition?.['ForAllValues:StringEquals']?.['dynamodb:Attributes']).toEqual([...DELIVERY_WRITABLE_ATTRIBUTES]);
    }
    expect(DELIVERY_WRITABLE_ATTRIBUTES).toEqual(['pk', 'sk', 'delivery', 'deliveryId']);
  });

  it('lets the delivery role not list cases: no index, no Scan, reads only case partitions', () => {
    const statements = deliverStatements();
    const serialized = JSON.stringify(statements);
    expect(serialized).not.toContain('/index/');
    expect(allowing(statements, 'dynamodb:Scan')).toEqual([]);
    // On the cases table (the events table it queries by case id, to link its events to the case's chain).
    const reads = [...allowing(statements, 'dynamodb:Query'), ...allowing(statements, 'dynamodb:GetItem')].filter((statement) =>
      resourceRefersTo(statement, logicalId(dev.stack.data.cases)),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const statement of reads) expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual(['CASE#*']);
  });

  it('lets the delivery role decrypt the case key only with the case-data, attachment-meta or message purpose, and read only its destinations\' secrets', () => {
    const statements = deliverStatements();
    const decrypt = allowing(statements, 'kms:Decrypt').filter((s) => resourceRefersTo(s, logicalId(dev.stack.keys.caseKey)));
    // The case data, the case's file names (attachment context: id, form, office), and the replies
    // and decisions it delivers as follow-ups (message context: case, item, office).
    expect(decrypt.map((s) => [s.Action, s.Condition?.StringEquals?.['kms:EncryptionContext:purpose'], s.Condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']])).toEqual([
      [['kms:Decrypt'], 'case-data', ['caseId', 'formId', 'formVersion', 'office', 'purpose']],
      [['kms:Decrypt'], 'attachment-meta', ['attachmentId', 'formId', 'office', 'purpose']],
      [['kms:Decrypt'], 'message', ['caseId', 'itemId', 'office', 'purpose']],
    ]);
    expect(allowing(statements, 'kms:GenerateDataKey').filter((s) => resourceRefersTo(s, logicalId(dev.stack.keys.caseKey)))).toEqual([]);
    const secrets = allowing(statements, 'secretsmanager:GetSecretValue');
    expect(secrets).toHaveLength(1);
    expect(resourceRefersTo(secrets[0]!, logicalId(dev.stack.keys.hmacSecret))).toBe(false);
    expect(resourceRefersTo(secrets[0]!, logicalId(dev.stack.delivery.secrets.get('ordnungsamt')!))).toBe(true);
  });

  it('lets the delivery role read vault objects and no other bucket, with the at-rest key through S3 for reading only', () => {
    const statements = deliverStatements();
    const vault = logicalId(dev.stack.attachments.vault);
    const s3 = statements.filter((s) => s.Action.some((a) => a.startsWith('s3:')));
    expect(s3.map((s) => [s.Effect, s.Action, resourceRefersTo(s, vault)])).toEqual([['Allow', ['s3:GetObject'], true]]);
    const dataKey = allowing(statements, 'kms:Decrypt').filter((s) => resourceRefersTo(s, logicalId(dev.stack.keys.dataKey)));
    // Secrets Manager (the destinations' secrets) decrypts with it too; through S3 it only decrypts (reads, no writes).
    expect(dataKey.map((s) => s.Condition?.StringEquals?.['kms:ViaService']).sort()).toEqual(
      [`dynamodb.${dev.stack.region}.amazonaws.com`, `s3.${dev.stack.region}.amazonaws.com`, `secretsmanager.${dev.stack.region}.amazonaws.com`].sort(),
    );
    const viaS3 = dataKey.filter((s) => s.Condition?.StringEquals?.['kms:ViaService'] === `s3.${dev.stack.region}.amazonaws.com`);
    expect(viaS3.map((s) => s.Action)).toEqual([['kms:Decrypt']]);
  });

  it('gives the delivery worker memory for a batch of five deliveries of 50 MiB of files each', () => {
    const fn = resources()[logicalId(dev.stack.functions.byName('deliver').fn)]!;
    expect(fn.Properties.MemorySize).toBe(3008);
  });

  it('gives no other function the destinations\' signing secrets', () => {
    const secret = logicalId(dev.stack.delivery.secrets.get('ordnungsamt')!);
    for (const fn of dev.stack.functions.all.filter((candidate) => candidate.name !== 'deliver')) {
      const statements = statementsOfRole(dev.template, logicalId(fn.role));
      // Statements on "*" (X-Ray, ListStreams) refer to every resource; what matters is any Secrets Manager action.
      const granting = statements.filter((s) => s.Effect === 'Allow' && resourceRefersTo(s, secret) && s.Action.some((a) => actionMatches(a, 'secretsmanager:GetSecretValue')));
      expect(granting).toEqual([]);
    }
  });

  it('feeds the worker from the deliveries queue with partial batch failures, within the queue\'s visibility timeout', () => {
    const deliver = dev.stack.functions.byName('deliver');
    const fn = resources()[logicalId(deliver.fn)]!;
    const queue = resources()[logicalId(dev.stack.queues.queues.deliveries)]!;
    expect(fn.Properties.Timeout).toBe(30);
    // Six times the timeout, as AWS advises (issue 25, point 9).
    expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (fn.Properties.Timeout as number));
    // The mapping invokes the live alias (issue 25, point 6).
    const alias = logicalId(dev.stack.releases.aliasOf(deliver) as never);
    const mappings = Object.values(resources()).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes(`"${alias}"`),
    );
    expect(mappings).toHaveLength(1);
    expect(JSON.stringify(mappings[0]!.Properties.EventSourceArn)).toContain(logicalId(dev.stack.queues.queues.deliveries));
    expect(mappings[0]!.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('retries for at least 24 hours before the queue itself dead-letters a delivery', () => {
    const queue = resources()[logicalId(dev.stack.queues.queues.deliveries)]!;
    const { maxReceiveCount } = queue.Properties.RedrivePolicy as { maxReceiveCount: number };
    expect(maxReceiveCount).toBeGreaterThanOrEqual(receivesCovering(DELIVERY_BACKOFF));
    expect(DELIVERY_BACKOFF.retrySeconds).toBeGreaterThanOrEqual(24 * 3600);
  });
});
