import { describe, expect, it } from '@jest/globals';
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import type { DynamoDBRecord } from 'aws-lambda';
import { CLOCK_TOLERANCE_SECONDS, FILE_RETENTION_MARGIN_DAYS, retentionClassesOf, retentionClassOf } from '#lib/attachments/retention.ts';
import { boundFileOf, createKeepFiles } from '../../../functions/keepFiles/keepFiles.ts';
import { formCatalogue } from '../../support/forms.ts';

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
  const keep = createKeepFiles({ s3, vaultBucket: 'vault', retentionClasses: CLASSES, missing: (file) => missing.push(file), warn: (_message, fields) => warnings.push(fields) });
  return { keep, tagged, missing, warnings };
}

/** The shipped forms' retention classes: derived from the catalogue, never a list of forms. */
const CLASSES = retentionClassesOf(formCatalogue().all());
const DAY = 86_400;
const BOUND_AT = 1_800_000_000;

/** A submission's file item as the submit transaction writes it: the case's expiry, bound at BOUND_AT. */
const boundRecord = (sequence: string, attachmentId: string, retentionDays: number): DynamoDBRecord => {
  const base = record(sequence, `CASE#FILE#${attachmentId}`, attachmentId);
  return { ...base, dynamodb: { ...base.dynamodb, ApproximateCreationDateTime: BOUND_AT, NewImage: { ...base.dynamodb!.NewImage, expiresAt: { N: String(BOUND_AT + retentionDays * DAY) } } } };
};

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

  it.each(CLASSES)("tags a submission's file with its form's retention class (%i days), so that it expires with its case", async (days) => {
    const { keep, tagged } = harness();
    await keep({ Records: [boundRecord('1', ID, days)] });
    expect(tagged).toEqual([{ bucket: 'vault', key: ID, tags: [{ Key: 'binding', Value: 'bound' }, { Key: 'retentionDays', Value: String(days) }] }]);
  });

  it.each([
    ['milliseconds', (at: number): unknown => at * 1000],
    ['a Date', (at: number): unknown => new Date(at * 1000)],
  ])('never takes a class below its case from a binding time in %s (Lambda sends epoch seconds): the binding is then now', async (_kind, spell) => {
    const longest = CLASSES.at(-1)!;
    const { keep, tagged } = harness();
    const base = boundRecord('1', ID, longest);
    await keep({ Records: [{ ...base, dynamodb: { ...base.dynamodb, ApproximateCreationDateTime: spell(BOUND_AT) as number } }] });
    const tags = tagged[0]!.tags as { Key: string; Value: string }[];
    expect(tags).toContainEqual({ Key: 'binding', Value: 'bound' });
    const chosen = tags.find((tag) => tag.Key === 'retentionDays');
    // Bound now, the case has more than the longest class left: no class (the ceiling rule), never a smaller one.
    if (chosen) expect(Number(chosen.Value)).toBeGreaterThanOrEqual(longest);
  });

  it("a message's file bound later takes the smallest class that still covers its case's remaining life", () => {
    const longest = CLASSES.at(-1)!;
    for (const elapsed of [0, 1, longest - 1]) {
      const remaining = longest - elapsed;
      const chosen = retentionClassOf(CLASSES, BOUND_AT + remaining * DAY, BOUND_AT);
      expect(chosen).toBeGreaterThanOrEqual(remaining);
      expect(CLASSES.filter((days) => days >= remaining && days < chosen!)).toEqual([]);
    }
    // Beyond every class (none covers it): no class, the vault's ceiling rule applies.
    expect(retentionClassOf(CLASSES, BOUND_AT + (longest + 1) * DAY, BOUND_AT)).toBeUndefined();
  });

  it('never lets a file go before its case, and at most the margin after it: the file reached the vault at most a ticket\'s life before binding', () => {
    for (const days of CLASSES) {
      const caseExpiry = BOUND_AT + days * DAY;
      // The binding seen up to the clock tolerance before the submit's own clock: still this class.
      for (const seenEarlier of [0, CLOCK_TOLERANCE_SECONDS]) {
        const boundAt = BOUND_AT - seenEarlier;
        const chosen = retentionClassOf(CLASSES, caseExpiry, boundAt)!;
        expect(chosen).toBe(days);
        for (const createdBefore of [0, DAY / 2, DAY]) {
          const fileExpiry = boundAt - createdBefore + (chosen + FILE_RETENTION_MARGIN_DAYS) * DAY;
          expect(fileExpiry).toBeGreaterThanOrEqual(caseExpiry);
          expect(fileExpiry - caseExpiry).toBeLessThanOrEqual(FILE_RETENTION_MARGIN_DAYS * DAY);
        }
      }
    }
  });

  it('a file item without the case\'s expiry (written before this) is tagged bound only: the ceiling rule keeps it', async () => {
    const { keep, tagged } = harness();
    await keep({ Records: [record('1', `CASE#FILE#${ID}`, ID)] });
    expect(tagged[0]?.tags).toEqual([{ Key: 'binding', Value: 'bound' }]);
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
