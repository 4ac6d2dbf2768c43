import { peakRssBytes } from './peakRss.ts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext } from '../test/support/events.ts';
import { isProbed, PROBES, type Fixtures, type Probe } from './memoryRequests.ts';

/**
 * Child process of bench/memory.ts: imports one handler as the local stack does (with the
 * environment the local stack set) and invokes it `count` times in a row with the requests of
 * bench/memoryRequests.ts, then prints the process's peak resident set size. Imports nothing else
 * heavy, so the peak is the handler's. argv: handler, count; stdin: the fixtures as JSON (`Fixtures`).
 */
const [name = '', countText = '0'] = process.argv.slice(2);
if (!isProbed(name)) throw new Error(`no requests known for ${name}`);
let fixturesText = '';
for await (const chunk of process.stdin) fixturesText += String(chunk);
const probe: Probe = PROBES[name](JSON.parse(fixturesText) as Fixtures);
type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const { handler } = (await import(`../functions/${name}/handler.ts`)) as { handler: Handler };

const count = Number(countText);
for (let i = 0; i < count; i++) {
  const answer = await handler(probe.request(i), lambdaContext);
  if (answer.statusCode !== probe.expected) throw new Error(`${name} answered ${answer.statusCode} to request ${i}: ${answer.body}`);
  probe.answered?.(i, answer);
}
// What the requests left behind once collected (--expose-gc): a leak would show here.
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(JSON.stringify({ peakRssBytes: peakRssBytes(), retainedHeapBytes: process.memoryUsage().heapUsed }));
