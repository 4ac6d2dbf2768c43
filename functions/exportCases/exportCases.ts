import type { KMSClient } from '@aws-sdk/client-kms';
import { clerkOf, officeFor } from '#lib/cases/access.ts';
import type { EventLog } from '#lib/cases/events.ts';
import { contextOf, verifyStoredCase } from '#lib/cases/integrity.ts';
import type { CaseSummary } from '#lib/cases/model.ts';
import type { CaseStore } from '#lib/cases/store.ts';
import { IntegrityError, withDataKey } from '#lib/crypto/envelope.ts';
import { columnsOf, valueAt } from '#lib/export/columns.ts';
import { mapBounded } from '#lib/runtime/concurrency.ts';
import { cellText, csvRow } from '#lib/export/csv.ts';
import { MAX_EXPORT_CASES } from '#lib/export/limits.ts';
import type { CaseRange } from '#lib/export/range.ts';
import type { FormCatalogue } from '#lib/forms/catalogue.ts';
import type { HttpEvent } from '#lib/http/pipeline.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { json, type HttpResult } from '#lib/http/response.ts';
import { logger } from '#lib/runtime/logger.ts';
import { countIntegrityError } from '#lib/runtime/metrics.ts';
import { exportQueryOf } from './query.ts';

export interface ExportCasesDeps {
  range: CaseRange;
  cases: CaseStore;
  events: EventLog;
  kms: KMSClient;
  caseKeyId: string;
  forms: FormCatalogue;
  /** How many cases are loaded, decrypted and recorded at once. */
  concurrency?: number;
  now?: () => Date;
}

/** Enough to hide KMS and DynamoDB latency, few enough to stay far below their per-second quotas. */
export const EXPORT_CONCURRENCY = 16;

const SUMMARY_COLUMNS = ['caseId', 'reference', 'status', 'receivedAt'] as const;

interface Opened {
  summary: CaseSummary;
  data: unknown;
  expiresAt: number;
}

/**
 * GET /cases/export: one form's cases of one office in a time range, decrypted, as CSV (RFC 4180,
 * formula-safe) or JSON. Selected through the list index (never a Scan); more than 1,000 cases is
 * a 400 before anything is decrypted. Each case costs one Query and one KMS Decrypt, done
 * concurrently (bounded); every exported case is recorded as `case.exported` before the file
 * leaves, and if one record cannot be written nothing leaves. A damaged case is left out, logged
 * and counted as an integrity error, as a list does: it never makes the whole export fail.
 */
export function createExportCases(deps: ExportCasesDeps) {
  const concurrency = deps.concurrency ?? EXPORT_CONCURRENCY;
  const now = deps.now ?? (() => new Date());

  async function open(summary: CaseSummary): Promise<Opened | undefined> {
    try {
      const stored = await deps.cases.load(summary.caseId);
      if (!stored || stored.summary.office !== summary.office || stored.summary.formId !== summary.formId) return undefined;
      const data = await withDataKey(deps.kms, deps.caseKeyId, contextOf(stored.summary), stored.envelope, (key) => {
        verifyStoredCase(key, stored, stored.notes);
        return JSON.parse(key.open('data', stored.envelope).toString('utf8')) as unknown;
      });
      return { summary: stored.summary, data, expiresAt: stored.expiresAt };
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      logger.error('damaged case left out of an export', { caseId: summary.caseId, reason: error.message });
      countIntegrityError();
      return undefined;
    }
  }

  return async (event: HttpEvent<unknown>): Promise<HttpResult> => {
    const clerk = clerkOf(event);
    const query = exportQueryOf(event.queryStringParameters ?? {});
    const latest = deps.forms.get(query.formId);
    if (!latest) throw new ProblemError('not-found', { detail: { de: 'Formular unbekannt.', en: 'Unknown form.' } });
    const office = officeFor(clerk, query.office ?? latest.office);
    if (office !== latest.office) {
      throw new ProblemError('malformed-request', {
        detail: { de: 'Das Formular gehört zu einem anderen Amt.', en: 'The form belongs to another office.' },
        errors: [{ parameter: 'office', keyword: 'office' }],
      });
    }

    const selected = await deps.range({ office, formId: query.formId, from: query.from, to: query.to }, MAX_EXPORT_CASES);
    if (selected.tooMany) {
      throw new ProblemError('malformed-request', {
        detail: {
          de: `Mehr als ${MAX_EXPORT_CASES} Vorgänge: bitte den Zeitraum mit from und to eingrenzen.`,
          en: `More than ${MAX_EXPORT_CASES} cases: narrow the range with from and to.`,
        },
        errors: [{ parameter: 'from', keyword: 'maxItems' }],
      });
    }

    const opened = (await mapBounded(selected.items, concurrency, open)).filter((item): item is Opened => item !== undefined);
    const at = now().toISOString();
    await mapBounded(opened, concurrency, (item) =>
      deps.events.append(item.summary.caseId, { at, type: 'case.exported', actor: clerk.sub }, item.expiresAt),
    );

    const versions = deps.forms.all().filter((form) => form.id === query.formId).sort((a, b) => b.version - a.version);
    const columns = columnsOf(versions.map((form) => form.schema));
    if ((query.format ?? 'csv') === 'json') {
      return json(200, { formId: query.formId, office, columns, items: opened.map(({ summary, data }) => ({ ...summary, data })) }, { noStore: true });
    }
    let body = csvRow([...SUMMARY_COLUMNS, ...columns]);
    for (const { summary, data } of opened) {
      body += csvRow([...SUMMARY_COLUMNS.map((name) => String(summary[name])), ...columns.map((pointer) => cellText(valueAt(data, pointer)))]);
    }
    const day = at.slice(0, 10);
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${query.formId}-${day}.csv"`,
        'Cache-Control': 'no-store',
      },
      body,
    };
  };
}
