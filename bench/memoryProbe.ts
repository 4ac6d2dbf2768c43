import { createHash } from 'node:crypto';
import { peakRssBytes } from './peakRss.ts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiEvent, lambdaContext, submissionEvent } from '../test/support/events.ts';

/**
 * Child process of bench/memory.ts: imports one handler as the local stack does (with the
 * environment the local stack set) and invokes it `count` times in a row, then prints the
 * process's peak resident set size. Imports nothing else heavy, so the peak is the handler's.
 * argv: handler, count, caseId (read routes), caseId to change (updateCase), submission body, and
 * the ids of the attachment routes as JSON (Fixtures, bench/memory.ts).
 */
const [name = '', countText = '0', caseId = '', changeCaseId = '', body = '{}', fixturesText = '{}'] = process.argv.slice(2);
const fixtures = JSON.parse(fixturesText) as Fixtures;

/** What the attachment, status and export routes are asked about (made by bench/memory.ts). */
export interface Fixtures {
  /** A clean file's id, and a case it is bound to. */
  attachmentId?: string;
  fileCaseId?: string;
  /** A case's reference and status token. */
  reference?: string;
  statusToken?: string;
  /** The export's bounds: the few cases the memory run made first, not the clerk-path bench's 10,000 or the submit probe's 1,000. */
  exportFrom?: string;
  exportTo?: string;
}
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(56, 1)]);
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const { handler } = (await import(`../functions/${name}/handler.ts`)) as { handler: Handler };
const clerk = { sub: 'bench-clerk', offices: ['ordnungsamt'] };

let version = 1;
let status = 'received';
const nextStatus = (): string => (status === 'in_review' ? 'needs_info' : 'in_review');

function eventFor(i: number): { event: APIGatewayProxyEvent; expected: number } {
  switch (name) {
    case 'listForms':
      return { event: apiEvent({ resource: '/forms' }), expected: 200 };
    case 'getForm':
      return { event: apiEvent({ resource: '/forms/{formId}', pathParameters: { formId: 'fischereischein' } }), expected: 200 };
    case 'submit':
      return { event: submissionEvent('fischereischein', body, { 'Idempotency-Key': `memory-${process.pid}-${i}` }), expected: 201 };
    case 'listCases':
      return { event: apiEvent({ resource: '/cases', clerk }), expected: 200 };
    case 'getCase':
      return { event: apiEvent({ resource: '/cases/{caseId}', pathParameters: { caseId }, clerk }), expected: 200 };
    case 'listEvents':
      return { event: apiEvent({ resource: '/cases/{caseId}/events', pathParameters: { caseId }, clerk }), expected: 200 };
    case 'updateCase':
      return {
        event: apiEvent({
          method: 'PATCH',
          resource: '/cases/{caseId}',
          pathParameters: { caseId: changeCaseId },
          headers: { 'Content-Type': 'application/json', 'If-Match': `"${version}"` },
          body: JSON.stringify({ status: nextStatus() }),
          clerk,
        }),
        expected: 200,
      };
    case 'openapi':
      return { event: apiEvent({ resource: '/openapi.json' }), expected: 200 };
    case 'attachmentTicket':
      return {
        event: apiEvent({
          method: 'POST',
          resource: '/forms/{formId}/attachments',
          pathParameters: { formId: 'fischereischein' },
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ field: '/photo', fileName: 'passbild.png', mediaType: 'image/png', size: PNG.length, sha256: createHash('sha256').update(PNG).digest('base64') }),
        }),
        expected: 201,
      };
    case 'attachmentStatus':
      return { event: apiEvent({ resource: '/forms/{formId}/attachments/{attachmentId}', pathParameters: { formId: 'fischereischein', attachmentId: fixtures.attachmentId ?? '' } }), expected: 200 };
    case 'downloadAttachment':
      return {
        event: apiEvent({ resource: '/cases/{caseId}/attachments/{attachmentId}', pathParameters: { caseId: fixtures.fileCaseId ?? '', attachmentId: fixtures.attachmentId ?? '' }, clerk }),
        expected: 200,
      };
    case 'getStatus':
      return { event: apiEvent({ resource: '/status/{reference}', pathParameters: { reference: fixtures.reference ?? '' }, headers: { 'Status-Token': fixtures.statusToken ?? '' } }), expected: 200 };
    case 'getAccesses':
      return { event: apiEvent({ resource: '/status/{reference}/accesses', pathParameters: { reference: fixtures.reference ?? '' }, headers: { 'Status-Token': fixtures.statusToken ?? '' } }), expected: 200 };
    case 'exportCases':
      return {
        event: apiEvent({ resource: '/cases/export', query: { office: 'ordnungsamt', formId: 'fischereischein', from: fixtures.exportFrom ?? '', to: fixtures.exportTo ?? '', format: 'csv' }, clerk }),
        expected: 200,
      };
    default:
      throw new Error(`no requests known for ${name}`);
  }
}

const count = Number(countText);
for (let i = 0; i < count; i++) {
  const { event, expected } = eventFor(i);
  const answer = await handler(event, lambdaContext);
  if (answer.statusCode !== expected) throw new Error(`${name} answered ${answer.statusCode}: ${answer.body}`);
  if (name === 'updateCase') {
    const changed = JSON.parse(answer.body) as { version: number; status: string };
    version = changed.version;
    status = changed.status;
  }
}
// What the 1,000 requests left behind once collected (--expose-gc): a leak would show here.
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(JSON.stringify({ peakRssBytes: peakRssBytes(), retainedHeapBytes: process.memoryUsage().heapUsed }));
