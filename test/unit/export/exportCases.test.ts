import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { createExportCases, type ExportCasesDeps } from '../../../functions/exportCases/exportCases.ts';
import type { ChainLink } from '#lib/audit/chain.ts';
import { summaryMessage } from '#lib/cases/integrity.ts';
import type { CaseEvent, CaseSummary } from '#lib/cases/model.ts';
import type { LoadedCase } from '#lib/cases/store.ts';
import { sealNewCase } from '#lib/crypto/envelope.ts';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { httpRoute } from '#lib/http/pipeline.ts';
import { formsDir } from '../../../infra/local/paths.ts';
import { startLocalKms, type LocalKms } from '../../../infra/local/kms.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';
import { sampleSummary } from '../../support/summaries.ts';

const forms = loadFormCatalogue(formsDir(), { verify: false });
const expiresAt = 1_900_000_000;
let localKms: LocalKms;
let kms: KMSClient;
let dir: string;
const stored = new Map<string, LoadedCase>();
let summaries: CaseSummary[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-export-'));
  localKms = await startLocalKms({ dataDir: dir, port: 0 });
  kms = new KMSClient({ region: 'eu-central-1', endpoint: localKms.url, credentials: localKms.credentials, maxAttempts: 1 });
  summaries = ['01JDZ8Q6W4X3Y2Z1A0B9C8D7E1', '01JDZ8Q6W4X3Y2Z1A0B9C8D7E2', '01JDZ8Q6W4X3Y2Z1A0B9C8D7E3'].map((caseId) => sampleSummary({ caseId }));
  for (const summary of summaries) {
    const data = { applicant: { givenName: `Erika ${summary.caseId.slice(-1)}` } };
    stored.set(
      summary.caseId,
      await sealNewCase(kms, localKms.keyArn, summary, Buffer.from(JSON.stringify(data)), (envelope, key) => ({
        summary,
        envelope,
        expiresAt,
        mac: key.mac(summaryMessage(summary, expiresAt, [])),
        notes: [],
        files: [],
        messages: [],
        messageFiles: [],
      })),
    );
  }
});

afterAll(async () => {
  kms.destroy();
  await localKms.close();
  rmSync(dir, { recursive: true, force: true });
});

const exportEvent = () =>
  apiEvent({ resource: '/cases/export', query: { formId: 'fischereischein' }, clerk: { sub: 'alice', offices: ['ordnungsamt'] } });

/** The export story over the three cases; its event log records, per append, the event and the head it was given. */
function exportWith(overrides: { load?: (caseId: string) => Promise<LoadedCase | undefined>; append?: () => Promise<void> } = {}) {
  const order: string[] = [];
  const appended: { caseId: string; event: CaseEvent; head: ChainLink | undefined }[] = [];
  const deps: ExportCasesDeps = {
    range: async () => ({ items: summaries, tooMany: false }),
    cases: {
      load: async (caseId: string) => {
        order.push(`load ${caseId}`);
        return (overrides.load ?? (async (id: string) => stored.get(id)))(caseId);
      },
    } as unknown as ExportCasesDeps['cases'],
    events: {
      head: async (caseId: string) => (order.push(`head ${caseId}`), { seq: 7, hash: `head of ${caseId}` }),
      append: async (caseId: string, event: CaseEvent, _expires: number, headRead?: Promise<ChainLink | undefined>) => {
        order.push(`append ${caseId}`);
        await overrides.append?.();
        appended.push({ caseId, event, head: await headRead });
      },
    } as unknown as ExportCasesDeps['events'],
    kms,
    caseKeyId: localKms.keyArn,
    forms,
  };
  return { handler: httpRoute(createExportCases(deps)), order, appended };
}

describe('the export story', () => {
  it('reads each case\'s chain head beside its load and records case.exported linked to it: one write per case', async () => {
    const { handler, order, appended } = exportWith();
    const answer = await handler(exportEvent(), lambdaContext);
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Erika 3');
    for (const { caseId } of summaries) {
      expect(order.indexOf(`head ${caseId}`)).toBeLessThan(order.indexOf(`load ${caseId}`));
    }
    expect(appended.map(({ caseId, event, head }) => [caseId, event.type, event.actor, head])).toEqual(
      summaries.map(({ caseId }) => [caseId, 'case.exported', 'alice', { seq: 7, hash: `head of ${caseId}` }]),
    );
  });

  it('leaves a damaged case out and does not record it', async () => {
    const damaged = summaries[1]!.caseId;
    const { handler, appended } = exportWith({
      load: async (caseId) => (caseId === damaged ? { ...stored.get(caseId)!, mac: new Uint8Array(32) } : stored.get(caseId)),
    });
    const answer = await handler(exportEvent(), lambdaContext);
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toContain(damaged);
    expect(appended.map(({ caseId }) => caseId)).toEqual([summaries[0]!.caseId, summaries[2]!.caseId]);
  });

  it('lets nothing leave when one record cannot be written', async () => {
    let writes = 0;
    const { handler } = exportWith({
      append: async () => {
        if (++writes === 2) throw new Error('the events table is unreachable');
      },
    });
    const answer = await handler(exportEvent(), lambdaContext);
    expect(answer.statusCode).toBe(503);
    expect(answer.body).not.toContain('Erika');
  });
});
