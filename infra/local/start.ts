import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from './paths.ts';
import { startLocalStack, type LocalStack } from './stack.ts';

// `npm start`: the whole backend on this machine, in the foreground, until SIGINT or SIGTERM.
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
  });
  const stack = await starting;
  if (stack.info.dynamodbBinding !== 'loopback') {
    process.stderr.write(
      'warning: no JDK (javac) found, so DynamoDB Local listens on every interface; only the stack\'s random access key keeps network callers out of the data. Install openjdk-17-jdk-headless to bind it to 127.0.0.1.\n',
    );
  }
  if (!stopping) process.stdout.write(`listening on ${stack.info.apiUrl}\n`);
} catch (error) {
  process.stderr.write(`local stack failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
