import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { casesTable, citizenIndex, eventsTable, idempotencyTable, LIST_PROJECTION } from '#lib/cases/tables.ts';
import { signInsTable } from '#lib/bundid/tables.ts';
import { attachmentsTable } from '#lib/attachments/tables.ts';
import type { LocalCredentials } from './credentials.ts';
import { launchDynamoDbLocal, type Binding } from './dynamodbLauncher.ts';
import { freePort } from './ports.ts';

export interface LocalDynamoDb {
  endpoint: string;
  port: number;
  /** 'loopback' with a JDK (the launcher binds 127.0.0.1), 'all-interfaces' with a JRE alone. */
  binding: Binding;
  process: ChildProcess;
  /**
   * SIGTERM, and SIGKILL if the JVM has not shut down within STOP_GRACE_MS; says which ended it
   * (a JVM killed may lose writes it acknowledged last: see test/integration/dependencyFaults.test.ts).
   */
  stop(): Promise<EndedBy>;
  /** Ends the JVM with SIGKILL, as a crash would (tests of dependency failure). */
  kill(): Promise<EndedBy>;
  /** SIGSTOP / SIGCONT: connections are accepted but nothing answers, as when a dependency hangs. */
  freeze(): void;
  thaw(): void;
}

/** Which signal ended DynamoDB Local's JVM. */
export type EndedBy = 'SIGTERM' | 'SIGKILL';

/**
 * How long a clean shutdown may take before the JVM is killed. Generous: on a loaded machine its
 * shutdown takes seconds, and a JVM killed instead loses the writes it acknowledged last.
 */
const STOP_GRACE_MS = 30_000;

export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const version = /version "(\d+)/.exec(`${probe.stderr ?? ''}${probe.stdout ?? ''}`)?.[1];
  if (probe.error || !version || Number(version) < 17) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer on PATH' +
        (version ? ` (found Java ${version}).` : ' (no `java` found).') +
        ' On Debian/Ubuntu: `sudo apt-get install openjdk-17-jdk-headless` (a JDK: its javac lets the stack bind DynamoDB Local to 127.0.0.1); on macOS: `brew install openjdk@17`.',
    );
  }
}

export const LOCAL_REGION = 'eu-central-1';

export const localClientConfig = (endpoint: string, credentials: LocalCredentials) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials,
});

/**
 * Starts Amazon's DynamoDB Local (the jar of the npm package), data kept in `<dir>/dynamodb` under
 * the stack's access key id: on a free port, or on `options.port` (a restart on the same endpoint,
 * so running clients find it again).
 */
export async function startDynamoDb(dir: string, options: { credentials: LocalCredentials; port?: number }): Promise<LocalDynamoDb> {
  requireJava();
  const dbPath = join(dir, 'dynamodb');
  mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  adoptSharedDatabase(dbPath, options.credentials.accessKeyId);
  const port = options.port ?? (await freePort());
  const tmpDir = join(dir, 'dynamodb-tmp');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const { child, binding } = launchDynamoDbLocal({ dbPath, port, tmpDir });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Safety net: whatever ends this process (a crash, an unhandled error) ends the JVM with it.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  const end = async (signal: EndedBy): Promise<EndedBy> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.signalCode === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM';
    child.kill('SIGCONT'); // a frozen JVM would not act on the signal
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    // A JVM that ran its shutdown after SIGTERM exits with code 143; killed, it has signalCode SIGKILL.
    return child.signalCode === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM';
  };
  const stop = (): Promise<EndedBy> => end('SIGTERM');

  const client = new DynamoDBClient({ ...localClientConfig(endpoint, options.credentials), maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 30 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    binding,
    process: child,
    stop,
    kill: () => end('SIGKILL'),
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}

/**
 * Data dirs from before the stack had its own key kept one shared database; it becomes the
 * database of the stack's key, so an upgrade loses nothing.
 */
function adoptSharedDatabase(dbPath: string, accessKeyId: string): void {
  const shared = join(dbPath, 'shared-local-instance.db');
  const own = join(dbPath, `${accessKeyId}_${LOCAL_REGION}.db`);
  if (existsSync(shared) && !existsSync(own)) renameSync(shared, own);
}

export interface TableNames {
  cases: string;
  events: string;
  idempotency: string;
  attachments: string;
  signIns: string;
}

export const LOCAL_TABLES: TableNames = {
  cases: 'egov-forms-cases',
  events: 'egov-forms-events',
  idempotency: 'egov-forms-idempotency',
  attachments: 'egov-forms-attachments',
  signIns: 'egov-forms-sign-ins',
};

/** Creates the tables of functions/lib/cases/tables.ts if they are absent (a restart keeps the data). */
export async function ensureTables(client: DynamoDBClient, names: TableNames = LOCAL_TABLES, streamed: ReadonlySet<string> = new Set()): Promise<void> {
  const attributes = new Map<string, string>([
    [casesTable.partitionKey, 'S'],
    [casesTable.sortKey, 'S'],
  ]);
  for (const index of [...casesTable.indexes, citizenIndex]) {
    attributes.set(index.partitionKey, 'S');
    attributes.set(index.sortKey, 'S');
  }
  const indexDefinition = (index: { name: string; partitionKey: string; sortKey: string }) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...LIST_PROJECTION] },
  });
  const definitions = [
    {
      TableName: names.cases,
      ttl: casesTable.ttlAttribute,
      input: {
        KeySchema: [
          { AttributeName: casesTable.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: casesTable.sortKey, KeyType: 'RANGE' as const },
        ],
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType: AttributeType as 'S' })),
        GlobalSecondaryIndexes: [...casesTable.indexes, citizenIndex].map(indexDefinition),
      },
    },
    {
      TableName: names.events,
      ttl: eventsTable.ttlAttribute,
      input: {
        KeySchema: [
          { AttributeName: eventsTable.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: eventsTable.sortKey, KeyType: 'RANGE' as const },
        ],
        AttributeDefinitions: [
          { AttributeName: eventsTable.partitionKey, AttributeType: 'S' as const },
          { AttributeName: eventsTable.sortKey, AttributeType: 'S' as const },
          { AttributeName: eventsTable.timeIndex.partitionKey, AttributeType: 'S' as const },
          { AttributeName: eventsTable.timeIndex.sortKey, AttributeType: 'S' as const },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: eventsTable.timeIndex.name,
            KeySchema: [
              { AttributeName: eventsTable.timeIndex.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: eventsTable.timeIndex.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: { ProjectionType: 'ALL' as const },
          },
        ],
      },
    },
    {
      TableName: names.idempotency,
      ttl: idempotencyTable.ttlAttribute,
      input: {
        KeySchema: [{ AttributeName: idempotencyTable.partitionKey, KeyType: 'HASH' as const }],
        AttributeDefinitions: [{ AttributeName: idempotencyTable.partitionKey, AttributeType: 'S' as const }],
      },
    },
    {
      TableName: names.signIns,
      ttl: signInsTable.ttlAttribute,
      input: {
        KeySchema: [{ AttributeName: signInsTable.partitionKey, KeyType: 'HASH' as const }],
        AttributeDefinitions: [{ AttributeName: signInsTable.partitionKey, AttributeType: 'S' as const }],
      },
    },
    {
      TableName: names.attachments,
      ttl: attachmentsTable.ttlAttribute,
      input: {
        KeySchema: [{ AttributeName: attachmentsTable.partitionKey, KeyType: 'HASH' as const }],
        AttributeDefinitions: [{ AttributeName: attachmentsTable.partitionKey, AttributeType: 'S' as const }],
      },
    },
  ];
  for (const { TableName, ttl, input } of definitions) {
    try {
      const stream = streamed.has(TableName) ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' as const } } : {};
      await client.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', ...input, ...stream }));
      await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: ttl, Enabled: true } }));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    // A table kept under .local/ from before its first stream worker gets its stream now.
    if (streamed.has(TableName) && !Table?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }));
    }
    // Cases kept under .local/ from before the citizen index (GET /me/cases) get it now.
    if (TableName === names.cases && !(Table?.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === citizenIndex.name)) {
      await client.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: [
            { AttributeName: citizenIndex.partitionKey, AttributeType: 'S' },
            { AttributeName: citizenIndex.sortKey, AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(citizenIndex) }],
        }),
      );
    }
    // Data kept under .local/ by an older version of the tables (an index that lacks an attribute
    // lists now need) would fail quietly: say so instead.
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    const outdated = [
      ...(TableName === names.cases ? indexes.filter((index) => !LIST_PROJECTION.every((name) => index.Projection?.NonKeyAttributes?.includes(name))) : []),
      // Events from before the hash chain (no time index, no `seq`) cannot be verified.
      ...(TableName === names.events && !indexes.some((index) => index.IndexName === eventsTable.timeIndex.name) ? [{ IndexName: eventsTable.timeIndex.name }] : []),
    ];
    if (outdated.length > 0) {
      throw new Error(`${TableName} was created by an older version of this project (index ${outdated[0]?.IndexName}); remove the local data (rm -rf .local/dynamodb) and start again`);
    }
  }
}
