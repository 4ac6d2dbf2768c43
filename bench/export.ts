import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Context } from 'aws-lambda';
import { contextOf } from '#lib/cases/integrity.ts';
import { caseItemKey, readCaseItem } from '#lib/cases/items.ts';
import { kmsContext } from '#lib/crypto/envelope.ts';
import { mapBounded } from '#lib/export/concurrency.ts';
import { EXPORT_CONCURRENCY } from '../functions/exportCases/exportCases.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { apiEvent, submissionEvent } from '../test/support/events.ts';
import { sampleOf } from '../test/support/forms.ts';
import { OFFICE, type Handler } from './clerkPaths.ts';
import { compare, type Comparison } from './stats.ts';

/**
 * The export of `cases` real cases (submitted through the submit handler, so each has its own
 * data key) beside its floor: one raw KMS Decrypt per case, as many at a time as the export runs.
 * The export adds per case a Query (case + notes), the AES-GCM opening, the MAC check, the
 * `case.exported` PutItem and the CSV. Handlers run in-process, as Lambda runs them.
 */
export interface ExportResult {
  cases: number;
  concurrency: number;
  csvBytes: number;
  comparison: Comparison;
}

const FORM = 'fischereischein';
// The function timeout of the stack is 10 s; the measurement reports what the export takes, whatever it is.
const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

export async function exportBench(options: {
  stack: StackInfo;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  submit: Handler;
  exportCases: Handler;
  cases: number;
  pairs: number;
  log: (line: string) => void;
}): Promise<ExportResult> {
  const { stack, dynamodb, kms } = options;
  const from = new Date().toISOString();
  const body = JSON.stringify({ data: sampleOf(FORM) });
  const ids = await mapBounded([...Array(options.cases).keys()], 4, async () => {
    const answer = await options.submit(submissionEvent(FORM, body), context);
    if (answer.statusCode !== 201) throw new Error(`submit answered ${answer.statusCode}`);
    return (JSON.parse(answer.body) as { caseId: string }).caseId;
  });
  const to = new Date(Date.now() + 1).toISOString();
  options.log(`  seeded ${ids.length} cases`);
  const stored = await mapBounded(ids, 16, async (caseId) => {
    const item = await dynamodb.send(new GetItemCommand({ TableName: stack.tables.cases, Key: caseItemKey(caseId) }));
    return readCaseItem(caseId, item.Item ?? {});
  });

  let csvBytes = 0;
  const event = apiEvent({
    method: 'GET',
    resource: '/cases/export',
    query: { formId: FORM, from, to },
    requestId: 'bench',
    clerk: { sub: 'bench-clerk', offices: [OFFICE] },
  });
  const comparison = await compare(
    options.pairs,
    async () => {
      const started = performance.now();
      const answer = await options.exportCases(event, context);
      if (answer.statusCode !== 200) throw new Error(`export answered ${answer.statusCode}: ${answer.body}`);
      csvBytes = Buffer.byteLength(answer.body);
      const rows = answer.body.split('\r\n').length - 2;
      if (rows !== ids.length) throw new Error(`export held ${rows} of ${ids.length} cases`);
      return performance.now() - started;
    },
    async () => {
      const started = performance.now();
      await mapBounded(stored, EXPORT_CONCURRENCY, async ({ summary, envelope }) => {
        const answer = await kms.send(new DecryptCommand({ CiphertextBlob: envelope.edk, KeyId: stack.caseKeyArn, EncryptionContext: kmsContext(contextOf(summary)) }));
        answer.Plaintext?.fill(0);
      });
      return performance.now() - started;
    },
  );
  return { cases: ids.length, concurrency: EXPORT_CONCURRENCY, csvBytes, comparison };
}
