import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiEvent, lambdaContext, submissionEvent } from '../test/support/events.ts';

/**
 * Child process of bench/memory.ts: imports one handler as the local stack does (with the
 * environment the local stack set) and invokes it `count` times in a row, then prints the
 * process's peak resident set size. Imports nothing else heavy, so the peak is the handler's.
 * argv: handler, count, caseId (read routes), caseId to change (updateCase), submission body.
 */
const [name = '', countText = '0', caseId = '', changeCaseId = '', body = '{}'] = process.argv.slice(2);
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
process.stdout.write(String(process.resourceUsage().maxRSS * 1024));
