// Issue 12, point 3: every service of the local stack listens on 127.0.0.1 only, and DynamoDB
// Local (which has no host option) keeps the stack's tables under the stack's own random key.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDb } from '../../infra/local/dynamodb.ts';
import { stackInfo } from '../support/api.ts';
import { removeTempDirs, tempDir } from '../support/tempDirs.ts';

afterAll(removeTempDirs);

/** 'refused' if nothing accepts a TCP connection on host:port, else 'accepted'. */
function probe(host: string, port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', () => resolve('refused'));
    socket.once('timeout', () => {
      socket.destroy();
      resolve('refused');
    });
  });
}

/**
 * Addresses of this machine that are not 127.0.0.1: a socket bound to 127.0.0.1 accepts on none of
 * them, one bound to every interface accepts on all. 127.0.0.2 is loopback too (on Linux), but not
 * the address a loopback-bound socket listens on, so the test can fail even without a network card.
 */
function otherAddresses(): string[] {
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && !entry.internal && !entry.address.startsWith('fe80'))
    .map((entry) => entry!.address);
  return process.platform === 'linux' ? ['127.0.0.2', ...external] : external;
}

const portOf = (url: string): number => Number(new URL(url).port);
const jdkPresent = spawnSync('javac', ['-version']).status === 0;

describe('the local stack binds loopback only', () => {
  it('DynamoDB Local is bound to loopback whenever a JDK can compile the launcher', () => {
    expect(stackInfo().dynamodbBinding).toBe(jdkPresent ? 'loopback' : 'all-interfaces');
  });

  it.each(['apiUrl', 'kmsEndpoint', 'dynamodbEndpoint'] as const)('%s accepts on 127.0.0.1 and on no other address of this machine', async (name) => {
    const info = stackInfo();
    if (name === 'dynamodbEndpoint' && info.dynamodbBinding !== 'loopback') return; // JRE only: see the next describe
    const port = portOf(info[name]);
    expect(await probe('127.0.0.1', port)).toBe('accepted');
    const addresses = otherAddresses();
    const answers = await Promise.all(addresses.map(async (address) => [address, await probe(address, port)] as const));
    expect(answers).toEqual(addresses.map((address) => [address, 'refused']));
  });
});

describe('DynamoDB Local keeps the stack store under the stack key', () => {
  const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new DynamoDBClient({ region: stackInfo().region, endpoint: stackInfo().dynamodbEndpoint, credentials, maxAttempts: 1 });

  it('a foreign access key sees an empty store, the stack key sees its tables', async () => {
    const { credentials, tables } = stackInfo();
    const own = await client(credentials).send(new ListTablesCommand({}));
    expect(own.TableNames).toEqual(expect.arrayContaining(Object.values(tables)));
    const stranger = client({ accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`, secretAccessKey: 'anything-at-all' });
    expect((await stranger.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    await expect(stranger.send(new ScanCommand({ TableName: tables.cases }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('the generated credentials are kept 0600 in the data dir', () => {
    const { dataDir } = stackInfo();
    expect(statSync(join(dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(stackInfo().credentials.accessKeyId).toMatch(/^LOCAL[0-9A-F]{32}$/);
  });
});

describe('DynamoDB Local as a JRE alone runs it', () => {
  it('listens on every interface but still shows a foreign key an empty store', async () => {
    const previous = process.env.LOCAL_DYNAMODB_ALL_INTERFACES;
    process.env.LOCAL_DYNAMODB_ALL_INTERFACES = '1';
    const credentials = { accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`, secretAccessKey: 'secret-of-this-test' };
    const dynamodb = await startDynamoDb(tempDir('egov-jre-'), { credentials }).finally(() => {
      if (previous === undefined) delete process.env.LOCAL_DYNAMODB_ALL_INTERFACES;
      else process.env.LOCAL_DYNAMODB_ALL_INTERFACES = previous;
    });
    try {
      expect(dynamodb.binding).toBe('all-interfaces');
      const at = (key: { accessKeyId: string; secretAccessKey: string }) =>
        new DynamoDBClient({ region: 'eu-central-1', endpoint: dynamodb.endpoint, credentials: key, maxAttempts: 1 });
      await at(credentials).send(
        new CreateTableCommand({
          TableName: 'owned-by-the-key',
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        }),
      );
      expect((await at(credentials).send(new ListTablesCommand({}))).TableNames).toEqual(['owned-by-the-key']);
      const stranger = { accessKeyId: `LOCAL${randomBytes(16).toString('hex').toUpperCase()}`, secretAccessKey: 'x' };
      expect((await at(stranger).send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      await dynamodb.stop();
    }
  });
});
