import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLocalDestination } from '../local/destinations.ts';
import { dataDir } from '../local/paths.ts';
import { createReceiver } from '../local/receiver.ts';

// `npm run receiver -- --office <office> [--port N]`
const DEFAULT_PORT = 8787;
const USAGE = `usage: npm run receiver -- --office <office> [--port <port>]

Runs the reference receiver of deliveries for one office on http://127.0.0.1:<port>/ (default
${DEFAULT_PORT}): checks signature and timestamp, decrypts with the office's private key, writes each
case to .local/received/<office>/<caseId>.json (files beside it) and answers 2xx; a repeated
X-Delivery-Id is acknowledged as a duplicate. On first use it creates the office's local destination
in .local/destinations/<office>/ (RSA-3072 key pair, signing secret, URL); (re)start \`npm start\`
after creating it or changing the port, so that the stack delivers there. docs/delivery.md explains it.
Uses LOCAL_DATA_DIR (default .local/).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { office: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.office) fail('--office is required');
const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`--port must be a port number, not ${JSON.stringify(values.port)}`);

const dir = dataDir();
const destination = await ensureLocalDestination(dir, values.office, port);
const { server } = createReceiver({ destination, dir: join(dir, 'received', values.office) });
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`receiver for ${values.office} listening on ${destination.url} (key ${destination.publicJwk.kid})\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
