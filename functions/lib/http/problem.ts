import type { Language } from './language.ts';

/** The fixed problem types of API.md, with their HTTP status. */
export const PROBLEMS = {
  'malformed-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'insufficient-trust-level': 403,
  'not-found': 404,
  'idempotency-in-progress': 409,
  'invalid-transition': 409,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'validation-failed': 422,
  'idempotency-key-reused': 422,
  'precondition-required': 428,
  'rate-limited': 429,
  'integrity-error': 500,
  unavailable: 503,
} as const;

export type ProblemSlug = keyof typeof PROBLEMS;

const TITLES: Record<ProblemSlug, Record<Language, string>> = {
  'malformed-request': { de: 'Fehlerhafte Anfrage', en: 'Malformed request' },
  unauthorized: { de: 'Nicht angemeldet', en: 'Unauthorized' },
  forbidden: { de: 'Keine Berechtigung', en: 'Forbidden' },
  'insufficient-trust-level': {
    de: 'Dieses Formular verlangt eine Anmeldung mit höherem Vertrauensniveau',
    en: 'This form needs a sign-in at a higher trust level',
  },
  'not-found': { de: 'Nicht gefunden', en: 'Not found' },
  'idempotency-in-progress': {
    de: 'Eine Anfrage mit diesem Idempotency-Key wird gerade bearbeitet',
    en: 'A request with this Idempotency-Key is being processed',
  },
  'invalid-transition': { de: 'Statuswechsel nicht erlaubt', en: 'Status change not allowed' },
  'precondition-failed': { de: 'Der Vorgang wurde inzwischen geändert', en: 'The case has changed meanwhile' },
  'payload-too-large': { de: 'Anfrage zu groß', en: 'Payload too large' },
  'unsupported-media-type': { de: 'Nicht unterstützter Inhaltstyp', en: 'Unsupported media type' },
  'validation-failed': { de: 'Die Angaben sind unvollständig oder fehlerhaft', en: 'The data is incomplete or invalid' },
  'idempotency-key-reused': {
    de: 'Idempotency-Key wurde mit anderen Daten verwendet',
    en: 'Idempotency-Key was used with different data',
  },
  'precondition-required': { de: 'If-Match-Header fehlt', en: 'If-Match header required' },
  'rate-limited': { de: 'Zu viele Anfragen', en: 'Too many requests' },
  'integrity-error': { de: 'Integritätsfehler der gespeicherten Daten', en: 'Stored data failed its integrity check' },
  unavailable: {
    de: 'Dienst vorübergehend nicht verfügbar, nichts wurde gespeichert',
    en: 'Service temporarily unavailable, nothing was stored',
  },
};

/**
 * The title of what a gateway (API Gateway, or the local one) answers when the integration failed:
 * unlike a handler's `unavailable`, it cannot know whether anything was stored.
 */
export const INTEGRATION_FAILED_TITLE: Readonly<Record<Language, string>> = {
  de: 'Dienst vorübergehend nicht verfügbar',
  en: 'Service temporarily unavailable',
};

/** A problem type's title in a language. */
export function problemTitle(slug: ProblemSlug, language: Language): string {
  return TITLES[slug][language];
}

export interface ProblemDetails {
  /** Human-readable explanation, free of citizen data. */
  readonly detail?: Partial<Record<Language, string>> | string;
  readonly errors?: readonly unknown[];
  readonly headers?: Record<string, string>;
}

/** An error that is answered as an RFC 9457 problem document. */
export class ProblemError extends Error {
  readonly slug: ProblemSlug;
  readonly status: number;
  readonly details: ProblemDetails;

  constructor(slug: ProblemSlug, details: ProblemDetails = {}) {
    super(slug);
    this.name = 'ProblemError';
    this.slug = slug;
    this.status = PROBLEMS[slug];
    this.details = details;
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: readonly unknown[];
}

export function problemDocument(slug: ProblemSlug, language: Language, details: ProblemDetails = {}): ProblemDocument {
  const doc: ProblemDocument = { type: `urn:problem:${slug}`, title: TITLES[slug][language], status: PROBLEMS[slug] };
  const detail = typeof details.detail === 'string' ? details.detail : details.detail?.[language] ?? details.detail?.de;
  if (detail) doc.detail = detail;
  if (details.errors) doc.errors = details.errors;
  return doc;
}
