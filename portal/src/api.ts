import { language } from '../../console/shared/language.ts';

/**
 * The API as citizens use it (docs/contract/API.md): no cookies, no credentials, answers as
 * problem documents on failure. Submitting retries what is retryable with the same
 * `Idempotency-Key` (docs/portal.md, "Retry only what is retryable").
 */
export interface Problem {
  status: number;
  type: string;
  title?: string;
  detail?: string;
  errors?: { pointer: string; keyword: string; message: string }[];
  /** `Retry-After` of the answer, in seconds. */
  retryAfter?: number;
}

export class ApiProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.problem = problem;
  }
}

/** The request never got an answer (network down, timeout): unknown whether it was stored. */
export class NoAnswer extends Error {}

let apiUrl = '';
export const configureApi = (url: string): void => {
  apiUrl = url;
};
/** The API's base URL (no trailing slash). */
export const apiBase = (): string => apiUrl;

export async function request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Accept-Language': language(), ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (error) {
    throw new NoAnswer(error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Partial<Problem>;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiProblem({ ...body, status: response.status, type: body.type ?? '', ...(retryAfter > 0 ? { retryAfter } : {}) });
  }
  return response;
}

export const getJson = async <T>(path: string, headers?: Record<string, string>): Promise<T> =>
  (await (await request('GET', path, headers ? { headers } : {})).json()) as T;

const RETRYABLE = new Set(['urn:problem:rate-limited', 'urn:problem:unavailable', 'urn:problem:idempotency-in-progress']);

export const isRetryable = (error: unknown): boolean =>
  error instanceof NoAnswer || (error instanceof ApiProblem && (RETRYABLE.has(error.problem.type) || error.problem.status === 429 || error.problem.status === 503));

/**
 * POSTs with retries: after a retryable failure it waits (`Retry-After`, else 1, 2, 4, 8 … seconds
 * with jitter) and sends the very same request again, for about a minute in all.
 */
export async function postWithRetries<T>(path: string, body: unknown, headers: Record<string, string>, budgetMs = 60_000): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return (await (await request('POST', path, { body, headers })).json()) as T;
    } catch (error) {
      const retryAfter = error instanceof ApiProblem ? error.problem.retryAfter : undefined;
      const wait = retryAfter !== undefined ? retryAfter * 1000 : Math.min(8000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      if (!isRetryable(error) || Date.now() - started + wait > budgetMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
