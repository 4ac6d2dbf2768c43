import { beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { createAttachmentStore } from '#lib/attachments/store.ts';
import { createCaseStore } from '#lib/cases/store.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { readFormCatalogue } from '#lib/forms/reading.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { createAttachmentTicket } from '../../functions/attachmentTicket/attachmentTicket.ts';
import { createDownloadAttachment } from '../../functions/downloadAttachment/downloadAttachment.ts';
import { createKeepFiles } from '../../functions/keepFiles/keepFiles.ts';
import { fixture, stackInfo } from '../support/api.ts';
import { chainOf, expectAuditedWrites } from '../support/chains.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { countingClients } from '../support/handlers.ts';
import { submit } from '../support/submissions.ts';
import { fileOf, sha256Of, uploaded } from '../support/uploads.ts';

/** Calls per attachment operation, counted on the SDK clients the handlers are given. */
const FISHING = 'fischereischein';
let caseId: string;
let attachmentId: string;

beforeAll(async () => {
  const clean = await uploaded(FISHING, { field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', bytes: fileOf.png() });
  expect(clean.status).toBe('clean');
  attachmentId = clean.attachmentId;
  const created = await submit(FISHING, { data: { ...fixture(FISHING), photo: attachmentId } });
  expect(created.status).toBe(201);
  caseId = created.body.caseId as string;
});


describe('calls per attachment operation', () => {
  it('a ticket makes one GenerateDataKey and one PutItem; its presigned PUT is signed without a call', async () => {
    const clients = countingClients();
    const { tables, caseKeyArn, buckets, dataDir } = stackInfo();
    const handler = httpRoute(
      createAttachmentTicket({
        forms: readFormCatalogue(join(dataDir, 'forms-build')),
        attachments: createAttachmentStore(clients.dynamodb, tables.attachments),
        kms: clients.kms,
        attachmentKeyId: caseKeyArn,
        s3: clients.s3,
        quarantineBucket: buckets.quarantine,
      }),
      { jsonBody: true },
    );
    const bytes = fileOf.pdf();
    const body = JSON.stringify({ field: '/examCertificate', fileName: 'pruefung.pdf', mediaType: 'application/pdf', size: bytes.length, sha256: sha256Of(bytes) });
    const answer = await handler(
      apiEvent({ method: 'POST', resource: '/forms/{formId}/attachments', pathParameters: { formId: FISHING }, headers: { 'Content-Type': 'application/json' }, body }),
      lambdaContext,
    );
    expect(answer.statusCode).toBe(201);
    expect(clients.calls).toEqual({ kms: ['GenerateDataKeyCommand'], dynamodb: ['PutItemCommand'], s3: [] });
  });

  it('a download makes two GetItems (case, file), the chain head Query and the event write, no KMS call; its presigned GET is signed without a call', async () => {
    const clients = countingClients();
    const { tables, buckets } = stackInfo();
    const events = createEventLog(clients.dynamodb, tables.events);
    const handler = httpRoute(
      createDownloadAttachment({
        cases: createCaseStore(clients.dynamodb, tables.cases, events),
        events,
        dynamodb: clients.dynamodb,
        casesTable: tables.cases,
        s3: clients.s3,
        vaultBucket: buckets.vault,
      }),
    );
    const before = await chainOf(caseId);
    const answer = await handler(
      apiEvent({ resource: '/cases/{caseId}/attachments/{attachmentId}', pathParameters: { caseId, attachmentId }, clerk: { sub: 'alice', offices: ['ordnungsamt'] } }),
      lambdaContext,
    );
    expect(answer.statusCode).toBe(200);
    // The two reads, the chain's head (issue 30), the case.attachment_viewed write; no KMS, no S3.
    const { dynamodb: calls, ...others } = clients.calls;
    expect(others).toEqual({ kms: [], s3: [] });
    expect(calls.slice(0, 3)).toEqual(['GetItemCommand', 'GetItemCommand', 'QueryCommand']);
    // One write, and one more per race lost to a worker appending to the same case meanwhile.
    expectAuditedWrites(calls.slice(3), before, await chainOf(caseId), { actor: 'alice', type: 'case.attachment_viewed' });
  });

  it('keeping a bound file makes one PutObjectTagging and nothing else', async () => {
    const clients = countingClients();
    const keep = createKeepFiles({ s3: clients.s3, vaultBucket: stackInfo().buckets.vault, retentionClasses: [30, 365], missing: () => undefined, warn: () => undefined });
    const image = { pk: { S: `CASE#${caseId}` }, sk: { S: `CASE#FILE#${attachmentId}` }, attachmentId: { S: attachmentId } };
    const result = await keep({ Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', Keys: { pk: image.pk, sk: image.sk }, NewImage: image } }] });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(clients.calls).toEqual({ kms: [], dynamodb: [], s3: ['PutObjectTaggingCommand'] });
  });
});
