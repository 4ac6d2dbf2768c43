import { describe, expect, it } from '@jest/globals';
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import type { DynamoDBRecord } from 'aws-lambda';
import { boundFileOf, createKeepFiles } from '../../../functions/keepFiles/keepFiles.ts';

const ID = '01JDZ8Q6W4X3Y2Z1A0B9C8D7E7';
const OTHER = '01JDZ8Q6W4X3Y2Z1A0B9C8D7E8';
const CASE = '01JDZ8Q6W4X3Y2Z1A0B9C8D7E9';

const record = (sequence: string, sk: string, attachmentId: string | undefined, eventName: DynamoDBRecord['eventName'] = 'INSERT'): DynamoDBRecord => ({
  eventName,
  dynamodb: {
    SequenceNumber: sequence,
    Keys: { pk: { S: `CASE#${CASE}` }, sk: { S: sk } },
    NewImage: { pk: { S: `CASE#${CASE}` }, sk: { S: sk }, ...(attachmentId ? { attachmentId: { S: attachmentId } } : {}) },
  },
});

function harness(fail: (key: string) => Error | undefined = () => undefined) {
  const tagged: { bucket: string; key: string; tags: unknown }[] = [];
  const missing: unknown[] = [];
  const warnings: unknown[] = [];
  const s3 = {
    send: async (command: unknown) => {
      if (!(command instanceof PutObjectTaggingCommand)) throw new Error('unexpected command');
      const key = command.input.Key ?? '';
      const error = fail(key);
      if (error) throw error;
      tagged.push({ bucket: command.input.Bucket ?? '', key, tags: command.input.Tagging?.TagSet });
      return {};
    },
  };
  const keep = createKeepFiles({ s3, vaultBucket: 'vault', missing: (file) => missing.push(file), warn: (_message, fields) => warnings.push(fields) });
  return { keep, tagged, missing, warnings };
}

const named = (name: string) => Object.assign(new Error(name), { name });

describe('keeping bound files', () => {
  it('tags each new file item of a case as bound in the vault', async () => {
    const { keep, tagged } = harness();
    const result = await keep({ Records: [record('1', `CASE#FILE#${ID}`, ID), record('2', `CASE#FILE#${OTHER}`, OTHER)] });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(tagged).toEqual([
      { bucket: 'vault', key: ID, tags: [{ Key: 'binding', Value: 'bound' }] },
      { bucket: 'vault', key: OTHER, tags: [{ Key: 'binding', Value: 'bound' }] },
    ]);
  });

  it('passes every other record by: case items, notes, changes, removals, ids that are no attachment ids', async () => {
    const { keep, tagged } = harness();
    const others = [
      record('1', 'CASE', undefined),
      record('2', 'CASE#NOTE#1', undefined),
      record('3', `CASE#FILE#${ID}`, ID, 'MODIFY'),
      record('4', `CASE#FILE#${ID}`, ID, 'REMOVE'),
      record('5', 'CASE#FILE#../etc', '../etc'),
    ];
    expect(await keep({ Records: others })).toEqual({ batchItemFailures: [] });
    expect(tagged).toEqual([]);
    expect(others.map(boundFileOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(boundFileOf(record('6', `CASE#FILE#${ID}`, ID))).toEqual({ attachmentId: ID, caseId: CASE });
  });

  it('reports a failed tagging as a batch item failure, and keeps the others', async () => {
    const { keep, tagged, warnings } = harness((key) => (key === ID ? named('SlowDown') : undefined));
    const result = await keep({ Records: [record('1', `CASE#FILE#${ID}`, ID), record('2', `CASE#FILE#${OTHER}`, OTHER)] });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
    expect(tagged.map((entry) => entry.key)).toEqual([OTHER]);
    expect(warnings).toEqual([{ attachmentId: ID, caseId: CASE, error: 'SlowDown' }]);
  });

  it('counts a file missing from the vault and does not retry it (it would hold up the shard)', async () => {
    const { keep, missing } = harness((key) => (key === ID ? named('NoSuchKey') : undefined));
    expect(await keep({ Records: [record('1', `CASE#FILE#${ID}`, ID)] })).toEqual({ batchItemFailures: [] });
    expect(missing).toEqual([{ attachmentId: ID, caseId: CASE }]);
  });
});
