import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from './paths.ts';
import { startLocalStack, type LocalStack } from './stack.ts';
import type { BackoffPolicy } from '../../functions/lib/delivery/backoff.ts';

// `npm start`: the whole backend on this machine, in the foreground, until SIGINT or SIGTERM.
const USAGE = `usage: npm start [-- --help]

Runs the whole backend on this machine in the foreground (DynamoDB Local, the local KMS and
Secrets Manager, the HTTP gateway with the Lambda handlers), all on 127.0.0.1. Prints
"listening on http://127.0.0.1:<port>" when ready and writes <data dir>/stack.json; Ctrl-C
(SIGINT) or SIGTERM stops everything. It takes no arguments; it is configured by environment:

  PORT=3000                  the gateway's port (0: any free port)
  LOCAL_DATA_DIR=.local      where tables, key material and credentials are kept
  STAGE=<name>               the administration's stage file infra/stages/<name>.json (default: cdk.json's
                             context "stage", kreis-bergstrasse-dev); STAGE_FILE=<path> names another file
  CORS_ORIGINS=<o1>,<o2>     browser origins allowed by CORS (default: the stage file's corsOrigins)
  POWERTOOLS_LOG_LEVEL=WARN  the handlers' log level
  LOCAL_KMS_FAULTS=1         tests only: fault injection on the local KMS (POST /_faults)
  LOCAL_TEST_CONTROL=1       tests only: an endpoint that stops and restarts DynamoDB Local
  LOCAL_DYNAMODB_ALL_INTERFACES=1  tests only: run DynamoDB Local as a JRE without javac would
  LOCAL_QUEUE_VISIBILITY_SECONDS=N tests only: a failed queue message comes back after N seconds
  LOCAL_DELIVERY_BACKOFF='{"baseSeconds":1,"capSeconds":2,"retrySeconds":10}'
                             tests only: retry deliveries after seconds, not minutes (docs/delivery.md)`;

const args = process.argv.slice(2);
if (args.length > 0) {
  const help = args.every((arg) => arg === '--help' || arg === '-h');
  (help ? process.stdout : process.stderr).write(`${help ? '' : `unknown argument(s): ${args.join(' ')}\n`}${USAGE}\n`);
  process.exit(help ? 0 : 2);
}

const dir = dataDir();
const port = Number(process.env.PORT ?? 3000);
let starting: Promise<LocalStack> | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping\n`);
  // A signal during start-up waits for the start to settle, so no child outlives us.
  const stack = await starting?.catch(() => undefined);
  await stack?.stop();
  rmSync(join(dir, 'stack.json'), { force: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  starting = startLocalStack({
    dataDir: dir,
    port,
    kmsFaults: process.env.LOCAL_KMS_FAULTS === '1',
    testControl: process.env.LOCAL_TEST_CONTROL === '1',
    ...(process.env.LOCAL_QUEUE_VISIBILITY_SECONDS ? { queueVisibilityTimeoutSeconds: Number(process.env.LOCAL_QUEUE_VISIBILITY_SECONDS) } : {}),
    ...(process.env.LOCAL_DELIVERY_BACKOFF ? { deliveryBackoff: JSON.parse(process.env.LOCAL_DELIVERY_BACKOFF) as BackoffPolicy } : {}),
  });
  const stack = await starting;
  if (stack.info.dynamodbBinding !== 'loopback') {
    process.stderr.write(
      'warning: no JDK (javac) found, so DynamoDB Local listens on every interface; only the stack\'s random access key keeps network callers out of the data. Install openjdk-17-jdk-headless to bind it to 127.0.0.1.\n',
    );
  }
  if (!stopping) process.stdout.write(`stage ${stack.info.stage.name} (${stack.info.stage.file})\nlistening on ${stack.info.apiUrl}\n`);
} catch (error) {
  process.stderr.write(`local stack failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
