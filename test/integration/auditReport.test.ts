import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isPlaintextAccess } from '#lib/audit/accesses.ts';
import { eventsBetween } from '#lib/audit/timeIndex.ts';
import { createEventLog } from '#lib/cases/events.ts';
import { caseItemKey } from '#lib/cases/items.ts';
import type { CaseEvent } from '#lib/cases/model.ts';
import { newId } from '#lib/cases/store.ts';
import { ensureTables } from '../../infra/local/dynamodb.ts';
import { dynamodb, stackInfo } from '../support/api.ts';
import { parseCsv } from '../support/csv.ts';
import { until } from '../support/waiting.ts';

// `npm run audit -- report` against a store of its own (tables in the suite's DynamoDB Local, named
// for this file): accesses of two offices' cases, inside and outside the period asked for, of a
// case whose item is gone (expired), and events that are no access to plaintext.

const run = promisify(execFile);
const suffix = randomUUID().slice(0, 8);
const names = { cases: `report-cases-${suffix}`, events: `report-events-${suffix}`, idempotency: `report-idem-${suffix}`, attachments: `report-att-${suffix}`, signIns: `report-signins-${suffix}` };
let ddb: DynamoDBClient;
let dir: string;

/** The period asked for: two hours, starting ten minutes into an hour of three days ago. */
const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 72 * 3_600_000;
const minute = (n: number): string => new Date(hour + n * 60_000).toISOString();
const FROM = minute(10);
const TO = minute(130);

const own = newId();
const ownToo = newId();
const other = newId();
const expired = newId();
const OFFICES: Record<string, string | undefined> = { [own]: 'ordnungsamt', [ownToo]: 'ordnungsamt', [other]: 'jugendamt', [expired]: undefined };

/** Every event written, by case; times as minutes after the hour. */
const written: [string, Omit<CaseEvent, 'at'>, number][] = [
  [own, { type: 'case.received', actor: 'citizen', to: 'received' }, 5],
  [own, { type: 'case.viewed', actor: 'system:confirmation' }, 6],
  [own, { type: 'case.viewed', actor: 'alice' }, 9],
  [own, { type: 'case.viewed', actor: 'alice' }, 10],
  [own, { type: 'case.status_changed', actor: 'alice', from: 'received', to: 'in_review' }, 11],
  [own, { type: 'case.viewed', actor: 'system:delivery' }, 12],
  [own, { type: 'case.delivered', actor: 'system:delivery' }, 13],
  [own, { type: 'case.attachment_viewed', actor: 'bob', detail: 'att-1' }, 30],
  [own, { type: 'case.note_added', actor: 'bob' }, 31],
  [own, { type: 'case.exported', actor: 'carol' }, 129],
  [own, { type: 'case.viewed', actor: 'alice' }, 130],
  [ownToo, { type: 'case.received', actor: 'citizen', to: 'received' }, 40],
  [ownToo, { type: 'case.viewed', actor: '=HYPERLINK("https://evil.example")' }, 41],
  [ownToo, { type: 'case.viewed', actor: 'erin, "the deputy"' }, 42],
  [other, { type: 'case.received', actor: 'citizen', to: 'received' }, 20],
  [other, { type: 'case.viewed', actor: 'dave' }, 21],
  [other, { type: 'case.exported', actor: 'dave' }, 22],
  [expired, { type: 'case.viewed', actor: 'frank' }, 50],
];

async function report(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['infra/scripts/audit.ts', 'report', ...args], { env: { ...process.env, LOCAL_DATA_DIR: dir }, encoding: 'utf8' });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

beforeAll(async () => {
  ddb = dynamodb();
  await ensureTables(ddb, names);
  const expiresAt = Math.floor(Date.now() / 1000) + 86_400;
  for (const [caseId, office] of Object.entries(OFFICES)) {
    if (office) await ddb.send(new PutItemCommand({ TableName: names.cases, Item: { ...caseItemKey(caseId), office: { S: office } } }));
  }
  const events = createEventLog(ddb, names.events);
  for (const [caseId, event, at] of written) await events.append(caseId, { ...event, at: minute(at) }, expiresAt);
  // The time index is eventually consistent: wait until it lists every event written.
  await until('the time index lists every event', async () => ((await eventsBetween(ddb, names.events, minute(0), minute(180))).length === written.length ? true : undefined));
  dir = await mkdtemp(join(tmpdir(), 'audit-report-'));
  const info = { ...stackInfo(), tables: { ...stackInfo().tables, ...names } };
  await writeFile(join(dir, 'stack.json'), JSON.stringify(info), { mode: 0o600 });
});

afterAll(async () => {
  ddb.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run audit -- report', () => {
  it('lists exactly the accesses to plaintext of the office\'s cases in [from, to), oldest first, as CSV', async () => {
    const result = await report('--office', 'ordnungsamt', '--from', FROM, '--to', TO);
    expect(result.code).toBe(0);
    expect(result.out.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(result.out);
    expect(header).toEqual(['at', 'caseId', 'office', 'type', 'actor']);
    const expected = written
      .filter(([caseId, event, at]) => OFFICES[caseId] === 'ordnungsamt' && minute(at) >= FROM && minute(at) < TO && isPlaintextAccess(event))
      .sort(([, , a], [, , b]) => a - b)
      .map(([caseId, event, at]) => [minute(at), caseId, 'ordnungsamt', event.type, event.actor.startsWith('=') ? `'${event.actor}` : event.actor]);
    expect(rows).toEqual(expected);
    // What the filter keeps, spelled out: the reads, the file view, the delivery's decryption and
    // handover, the export, both of the other case's readers; not the confirmation mail before the
    // period, the read at `to`, the received event, the status change or the note.
    expect(rows.map(([, , , type, actor]) => `${type} ${actor}`)).toEqual([
      'case.viewed alice',
      'case.viewed system:delivery',
      'case.delivered system:delivery',
      'case.attachment_viewed bob',
      'case.viewed \'=HYPERLINK("https://evil.example")',
      'case.viewed erin, "the deputy"',
      'case.exported carol',
    ]);
    // Escaped as RFC 4180 wants it, and no formula a spreadsheet would evaluate.
    expect(result.out).toContain('"\'=HYPERLINK(""https://evil.example"")"');
    expect(result.out).toContain('"erin, ""the deputy"""');
  });

  it('lists the other office\'s accesses for that office, and none of a case whose item is gone (expired)', async () => {
    const result = await report('--office', 'jugendamt', '--from', FROM, '--to', TO);
    expect(result.code).toBe(0);
    expect(parseCsv(result.out).slice(1).map(([, caseId, office, type]) => [caseId, office, type])).toEqual([
      [other, 'jugendamt', 'case.viewed'],
      [other, 'jugendamt', 'case.exported'],
    ]);
    const all = [...parseCsv((await report('--office', 'ordnungsamt', '--from', minute(0), '--to', minute(180))).out), ...parseCsv(result.out)];
    expect(all.some(([, caseId]) => caseId === expired)).toBe(false);
  });

  it('gives the header alone for a period without accesses', async () => {
    const result = await report('--office', 'ordnungsamt', '--from', minute(140), '--to', minute(170));
    expect(result).toEqual({ code: 0, out: 'at,caseId,office,type,actor\r\n', err: '' });
  });

  it('refuses bad arguments with the usage and exit code 2, writing nothing to stdout', async () => {
    const refusals: [string[], RegExp][] = [
      [['--from', FROM, '--to', TO], /report needs --office/],
      [['--office', 'ordnungsamt', '--to', TO], /report needs --from/],
      [['--office', 'ordnungsamt', '--from', FROM], /report needs --to/],
      [['--office', 'ordnungsamt', '--from', 'yesterday', '--to', TO], /--from is not an RFC 3339 time: yesterday/],
      [['--office', 'ordnungsamt', '--from', TO, '--to', FROM], /--from must be before --to/],
      [['--office', 'ordnungsamt', '--from', FROM, '--to', TO, '--case', own], /--case and --public-key belong to verify/],
      [['--offices', 'ordnungsamt', '--from', FROM, '--to', TO], /Unknown option '--offices'/],
      [['extra', '--office', 'ordnungsamt', '--from', FROM, '--to', TO], /name one command: verify or report/],
    ];
    const results = await Promise.all(refusals.map(([args]) => report(...args)));
    for (const [index, [args, message]] of refusals.entries()) {
      const result = results[index]!;
      expect([args, result.code, result.out]).toEqual([args, 2, '']);
      expect(result.err).toMatch(message);
      expect(result.err).toContain('usage: npm run audit -- verify');
    }
  });
});
