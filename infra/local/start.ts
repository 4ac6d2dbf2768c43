import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from './paths.ts';
import { startLocalStack, type LocalStack } from './stack.ts';
import type { BackoffPolicy } from '../../functions/lib/delivery/backoff.ts';
import { USAGE } from './usage.ts';

// `npm start`: the whole backend on this machine, in the foreground, until SIGINT, SIGTERM or SIGHUP.
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
// A closed terminal: DynamoDB Local runs in a process group of its own and would outlive us.
process.on('SIGHUP', () => void shutdown('SIGHUP'));

try {
  starting = startLocalStack({
    dataDir: dir,
    port,
    kmsFaults: process.env.LOCAL_KMS_FAULTS === '1',
    testControl: process.env.LOCAL_TEST_CONTROL === '1',
    workers: process.env.LOCAL_WORKERS !== 'off',
    countCalls: process.env.LOCAL_COUNT_CALLS === '1',
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
