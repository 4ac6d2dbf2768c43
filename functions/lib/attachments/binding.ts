import { TransactionCanceledException, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { FormDefinition } from '#lib/forms/definition.ts';
import type { Language } from '#lib/http/language.ts';
import { ProblemError } from '#lib/http/problem.ts';
import { caseFilePut } from './caseFiles.ts';
import { attachmentsIn, MAX_SUBMISSION_BYTES, type AttachmentReference } from './fields.ts';
import type { AttachmentStore, Ticket } from './store.ts';

/** At most this many files per submission (each costs two items of the submit transaction). */
export const MAX_ATTACHMENTS_PER_SUBMISSION = 40;

type Refusal = 'unknown' | 'not-clean' | 'rejected' | 'expired' | 'bound' | 'elsewhere' | 'twice' | 'too-many' | 'too-large';

const MESSAGES: Record<Refusal, Record<Language, string>> = {
  unknown: { de: 'nennt keine hochgeladene Datei', en: 'names no uploaded file' },
  'not-clean': { de: 'die Datei ist noch nicht geprüft', en: 'the file has not been checked yet' },
  rejected: { de: 'die Datei wurde abgelehnt', en: 'the file was rejected' },
  expired: { de: 'die Datei ist abgelaufen; bitte laden Sie sie erneut hoch', en: 'the file has expired; please upload it again' },
  bound: { de: 'die Datei gehört schon zu einem Antrag', en: 'the file already belongs to an application' },
  elsewhere: { de: 'die Datei wurde für ein anderes Feld hochgeladen', en: 'the file was uploaded for another field' },
  twice: { de: 'dieselbe Datei steht schon in einem anderen Feld', en: 'the same file already stands in another field' },
  'too-many': {
    de: `ein Antrag darf höchstens ${MAX_ATTACHMENTS_PER_SUBMISSION} Dateien haben`,
    en: `an application may have at most ${MAX_ATTACHMENTS_PER_SUBMISSION} files`,
  },
  'too-large': { de: 'die Dateien eines Antrags dürfen zusammen höchstens 50 MiB groß sein', en: 'the files of one application must not exceed 50 MiB together' },
};

const issue = (field: string, refusal: Refusal, language: Language) => ({ pointer: `/data${field}`, keyword: 'attachment', message: MESSAGES[refusal][language] });

function refusalOf(store: AttachmentStore, ticket: Ticket | undefined, form: FormDefinition, reference: AttachmentReference): Refusal | undefined {
  if (!ticket || ticket.formId !== form.id) return 'unknown';
  if (ticket.field !== reference.field) return 'elsewhere';
  if (ticket.caseId !== undefined) return 'bound';
  if (ticket.status === 'rejected') return 'rejected';
  if (!store.bindable(ticket)) return 'expired';
  if (ticket.status !== 'clean') return 'not-clean';
  return undefined;
}

/** The files a submission binds, checked: each clean, of this form and field, and bound to no case. */
export interface Binding {
  readonly tickets: readonly Ticket[];
  /** The transaction items that bind them to `caseId` and record them in its partition. */
  items(caseId: string, expiresAt: number): TransactWriteItem[];
  /** Turns a cancelled transaction whose bind conditions failed (a race) into the 422; else undefined. */
  refusalOf(error: unknown, firstIndex: number): ProblemError | undefined;
}

/**
 * Loads the tickets that form data names (one GetItem each, in parallel) and refuses the
 * submission with `422 validation-failed` (keyword `attachment`, the field's pointer) unless every
 * one can be bound. Reads no bucket: the tickets' status is the scanner's verdict.
 */
export async function bindingFor(
  store: AttachmentStore,
  casesTable: string,
  form: FormDefinition,
  data: unknown,
  language: Language,
): Promise<Binding> {
  const references = attachmentsIn(form.schema, data);
  if (references.length > MAX_ATTACHMENTS_PER_SUBMISSION) {
    throw new ProblemError('validation-failed', { errors: [issue('', 'too-many', language)] });
  }
  const tickets = await Promise.all(references.map((reference) => store.get(reference.attachmentId)));
  const errors: ReturnType<typeof issue>[] = [];
  const seen = new Set<string>();
  references.forEach((reference, index) => {
    const refusal = seen.has(reference.attachmentId) ? 'twice' : refusalOf(store, tickets[index], form, reference);
    seen.add(reference.attachmentId);
    if (refusal) errors.push(issue(reference.field, refusal, language));
  });
  if (errors.length > 0) throw new ProblemError('validation-failed', { errors });
  const bound = tickets as Ticket[];
  if (bound.reduce((sum, ticket) => sum + ticket.size, 0) > MAX_SUBMISSION_BYTES) {
    throw new ProblemError('validation-failed', { errors: [issue('', 'too-large', language)] });
  }

  return {
    tickets: bound,
    items: (caseId, expiresAt) => bound.flatMap((ticket) => [store.bind(ticket, caseId, expiresAt), caseFilePut(casesTable, caseId, ticket, expiresAt)]),
    refusalOf(error, firstIndex) {
      if (!(error instanceof TransactionCanceledException)) return undefined;
      const reasons = error.CancellationReasons ?? [];
      const lost = bound.filter((_, index) => reasons[firstIndex + 2 * index]?.Code === 'ConditionalCheckFailed');
      if (lost.length === 0) return undefined;
      return new ProblemError('validation-failed', { errors: lost.map((ticket) => issue(ticket.field, 'bound', language)) });
    },
  };
}
