import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { createCheckpointStore } from '../../functions/lib/audit/checkpointStore.ts';
import { accessReport, verifyStore, type AuditStore } from '../../functions/lib/audit/reading.ts';
import { auditPublicKey } from '../../functions/lib/audit/signature.ts';
import { S3_CLIENT_SETTINGS } from '../../functions/lib/attachments/s3.ts';
import { csvRow } from '../../functions/lib/export/csv.ts';
import { localStackInfo, parseOperatorCommand, stackOutputs } from './operatorCommand.ts';

// `npm run audit -- verify|report ...`: docs/operations.md, "Auditing the event trail".
const USAGE = `usage: npm run audit -- verify [--case <caseId>] [--from <time>] [--to <time>] [--public-key <pem>] [--stage <stage>] [--region <region>]
       npm run audit -- report --office <office> --from <time> --to <time> [--stage <stage>] [--region <region>]

  verify   checks every case's hash chain and the signed checkpoints; names each event deleted,
           altered, inserted or reordered and each checkpoint missing, forged or replayed, and
           exits 1 if there is any; events of expired cases removed by retention are counted, not
           reported. Needs read access and the audit key's public key only (--public-key: a PEM
           file, e.g. from docs/operations.md; otherwise kms:GetPublicKey).
  report   every access to plaintext of the office's cases in [from, to), as CSV on stdout.

Against the local stack (.local/stack.json of npm start; LOCAL_DATA_DIR) by default; with --stage
against that stage's deployed stack (outputs EventsTableName, CheckpointBucketName, AuditKeyArn,
CasesTableName, read with the AWS CLI and your credentials: read-only ones suffice).`;

const { command, values, fail } = parseOperatorCommand(USAGE, ['verify', 'report'], {
  case: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  office: { type: 'string' },
  'public-key': { type: 'string' },
});

const time = (name: 'from' | 'to'): string | undefined => {
  const value = values[name];
  if (value === undefined) return undefined;
  const parsedTime = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsedTime)) fail(`--${name} is not an RFC 3339 time: ${value}`);
  return new Date(parsedTime).toISOString();
};

// Every argument is checked before the stack is touched.
const from = time('from');
const to = time('to');
if (from !== undefined && to !== undefined && from >= to) fail(`--from must be before --to: [${from}, ${to}) is empty`);
if (command === 'report') {
  if (!values.office) fail('report needs --office');
  if (from === undefined) fail('report needs --from');
  if (to === undefined) fail('report needs --to');
  if (values.case !== undefined || values['public-key'] !== undefined) fail('--case and --public-key belong to verify');
} else if (values.office !== undefined) fail('--office belongs to report');

interface Target {
  store: AuditStore;
  publicKey: () => Promise<Uint8Array>;
}

function localTarget(): Target {
  const info = localStackInfo(fail);
  const common = { region: info.region, credentials: info.credentials };
  const kms = new KMSClient({ ...common, endpoint: info.kmsEndpoint });
  return {
    store: {
      ddb: new DynamoDBClient({ ...common, endpoint: info.dynamodbEndpoint }),
      eventsTable: info.tables.events,
      casesTable: info.tables.cases,
      checkpoints: createCheckpointStore(new S3Client({ ...S3_CLIENT_SETTINGS, ...common, endpoint: info.s3Endpoint }), info.buckets.checkpoints),
    },
    publicKey: async () => (await kms.send(new GetPublicKeyCommand({ KeyId: info.auditKeyArn }))).PublicKey ?? new Uint8Array(),
  };
}

async function awsTarget(stage: string, region: string | undefined): Promise<Target> {
  const output = await stackOutputs(stage, region);
  const common = region ? { region } : {};
  const kms = new KMSClient(common);
  const keyArn = output('AuditKeyArn');
  return {
    store: {
      ddb: new DynamoDBClient(common),
      eventsTable: output('EventsTableName'),
      casesTable: output('CasesTableName'),
      checkpoints: createCheckpointStore(new S3Client({ ...S3_CLIENT_SETTINGS, ...common }), output('CheckpointBucketName')),
    },
    publicKey: async () => (await kms.send(new GetPublicKeyCommand({ KeyId: keyArn }))).PublicKey ?? new Uint8Array(),
  };
}

const target = values.stage ? await awsTarget(values.stage, values.region) : localTarget();

if (command === 'verify') {
  const publicKey = values['public-key'] ? auditPublicKey(readFileSync(values['public-key'], 'utf8')) : auditPublicKey(await target.publicKey());
  const scope = { ...(values.case ? { caseId: values.case } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const verdict = await verifyStore(target.store, publicKey, scope, new Date());
  for (const finding of verdict.findings) process.stdout.write(`${finding.kind}: ${finding.message}\n`);
  process.stdout.write(
    `${verdict.findings.length === 0 ? 'OK' : `FAILED: ${verdict.findings.length} finding(s)`}: ${verdict.verified} event(s) verified against ${verdict.checkpoints} checkpoint(s); ` +
      `${verdict.retained} skipped, removed by retention (their case expired); ${verdict.unsealed} chained but not (yet) in a checkpoint\n`,
  );
  process.exit(verdict.findings.length === 0 ? 0 : 1);
} else {
  process.stdout.write(`${csvRow(['at', 'caseId', 'office', 'type', 'actor'])}`);
  for (const row of await accessReport(target.store, values.office!, from!, to!)) process.stdout.write(csvRow([row.at, row.caseId, row.office, row.type, row.actor]));
}
