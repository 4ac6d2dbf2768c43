import { GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Context } from 'aws-lambda';
import { nextLink } from '#lib/audit/chain.ts';
import { createEventLog, eventPut } from '#lib/cases/events.ts';
import { contextOf } from '#lib/cases/integrity.ts';
import { caseItemKey, listPartition, readCaseItem } from '#lib/cases/items.ts';
import { LIST_SHARDS, LIST_SORT_KEY } from '#lib/cases/tables.ts';
import { kmsContext } from '#lib/crypto/envelope.ts';
import { columnsOf, valueAt } from '#lib/export/columns.ts';
import { mapBounded } from '#lib/runtime/concurrency.ts';
import { cellText, csvRow } from '#lib/export/csv.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { EXPORT_CONCURRENCY } from '../functions/exportCases/exportCases.ts';
import { formsDir } from '../infra/local/paths.ts';
import type { StackInfo } from '../infra/local/stack.ts';
import { apiEvent, submissionEvent } from '../test/support/events.ts';
import { sampleOf } from '../test/support/forms.ts';
import { OFFICE, type Handler } from './clerkPaths.ts';
import { queryCasePartition } from './deliverySteps.ts';
import { compare, type Comparison } from './stats.ts';

/**
 * The export of `cases` real cases (submitted through the submit handler, so each has its own
 * data key), the handler in-process as Lambda runs it, beside two floors at the same concurrency:
 * - its raw steps, the target's floor: the range's Queries (one per list shard of the form's
 *   index, in parallel, paged), then per case the Query of the case and its notes ∥ the Query of
 *   its audit chain's head, the KMS Decrypt, the conditional `case.exported` PutItem (linked to
 *   that head, so the chains stay whole), and the CSV of the rows (the same cell code). Left out:
 *   the AES-GCM opening and the MAC check, microseconds of CPU per case;
 * - one raw KMS Decrypt per case (the first floor, for continuity).
 */
export interface ExportResult {
  cases: number;
  concurrency: number;
  csvBytes: number;
  /** ms per export beside its raw steps. */
  steps: Comparison;
  /** ms per export beside one raw Decrypt per case. */
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
  const exportOnce = async () => {
    const started = performance.now();
    const answer = await options.exportCases(event, context);
    if (answer.statusCode !== 200) throw new Error(`export answered ${answer.statusCode}: ${answer.body}`);
    csvBytes = Buffer.byteLength(answer.body);
    const rows = answer.body.split('\r\n').length - 2;
    if (rows !== ids.length) throw new Error(`export held ${rows} of ${ids.length} cases`);
    return performance.now() - started;
  };
  const decrypts = async () => {
    const started = performance.now();
    await mapBounded(stored, EXPORT_CONCURRENCY, async ({ summary, envelope }) => {
      const answer = await kms.send(new DecryptCommand({ CiphertextBlob: envelope.edk, KeyId: stack.caseKeyArn, EncryptionContext: kmsContext(contextOf(summary)) }));
      answer.Plaintext?.fill(0);
    });
    return performance.now() - started;
  };

  // The raw steps. The data of every case is the form's sample: the CSV is built from it.
  const columns = columnsOf(loadFormCatalogue(formsDir(), { verify: false }).all().filter((form) => form.id === FORM).sort((a, b) => b.version - a.version).map((form) => form.schema));
  const data = JSON.parse(body).data as unknown;
  const rangeShard = async (shard: number): Promise<string[]> => {
    const { index, attribute, value } = listPartition({ office: OFFICE, formId: FORM }, shard);
    const found: string[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(
        new QueryCommand({
          TableName: stack.tables.cases,
          IndexName: index,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          FilterExpression: '#expires > :now',
          ExpressionAttributeNames: { '#pk': attribute, '#sk': LIST_SORT_KEY, '#expires': 'expiresAt' },
          ExpressionAttributeValues: { ':pk': { S: value }, ':from': { S: from }, ':to': { S: to }, ':now': { N: String(Math.floor(Date.now() / 1000)) } },
          ScanIndexForward: false,
          Limit: 1001 - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) found.push(item.caseId!.S!);
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length < 1001);
    return found;
  };
  const events = createEventLog(dynamodb, stack.tables.events);
  const rawSteps = async () => {
    const started = performance.now();
    const selected = (await Promise.all([...Array(LIST_SHARDS).keys()].map(rangeShard))).flat();
    if (selected.length !== ids.length) throw new Error(`the raw range held ${selected.length} of ${ids.length} cases`);
    const rows = await mapBounded(selected, EXPORT_CONCURRENCY, async (caseId) => {
      const [partition, head] = await Promise.all([queryCasePartition(dynamodb, stack.tables.cases, caseId), events.head(caseId)]);
      const { summary, envelope, expiresAt } = readCaseItem(caseId, partition.Items!.find((item) => item.sk?.S === 'CASE')!);
      const answer = await kms.send(new DecryptCommand({ CiphertextBlob: envelope.edk, KeyId: stack.caseKeyArn, EncryptionContext: kmsContext(contextOf(summary)) }));
      answer.Plaintext?.fill(0);
      const exported = { at: new Date().toISOString(), type: 'case.exported' as const, actor: 'bench-raw' };
      const link = nextLink(caseId, exported, head);
      await dynamodb.send(new PutItemCommand(eventPut(stack.tables.events, caseId, exported, expiresAt, link)));
      return summary;
    });
    let csv = csvRow(['caseId', 'reference', 'status', 'receivedAt', ...columns]);
    for (const summary of rows) {
      csv += csvRow([summary.caseId, summary.reference, summary.status, summary.receivedAt, ...columns.map((pointer) => cellText(valueAt(data, pointer)))]);
    }
    if (csv.length < rows.length) throw new Error('the raw CSV is short');
    return performance.now() - started;
  };

  await exportOnce();
  await rawSteps();
  const steps = await compare(options.pairs, exportOnce, rawSteps);
  options.log(`  export: ${steps.subject.toFixed(0)} ms beside its raw steps ${steps.floor.toFixed(0)} ms`);
  const comparison = await compare(options.pairs, exportOnce, decrypts);
  options.log(`  export: ${comparison.subject.toFixed(0)} ms beside ${ids.length} Decrypts ${comparison.floor.toFixed(0)} ms`);
  return { cases: ids.length, concurrency: EXPORT_CONCURRENCY, csvBytes, steps, comparison };
}
