import { currentSession } from './auth.ts';
import { language } from './i18n.ts';

/** The API as the console uses it: the bearer token on every clerk call; 401 or an expired token ends the session. */
export class SessionExpired extends Error {}

export class ApiProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly detail: string | undefined;
  readonly etag: string | null;
  constructor(status: number, problem: { type?: string; title?: string; detail?: string }, etag: string | null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.type = problem.type ?? '';
    this.detail = problem.detail;
    this.etag = etag;
  }
}

let apiUrl = '';
let expired: () => void = () => undefined;

export function configureApi(url: string, onExpired: () => void): void {
  apiUrl = url;
  expired = onExpired;
}

export async function request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; clerk?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Accept-Language': language(), ...options.headers };
  if (options.clerk !== false) {
    const session = currentSession();
    if (!session) {
      expired();
      throw new SessionExpired();
    }
    headers.Authorization = `Bearer ${session.idToken}`;
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
  });
  if (response.status === 401 && options.clerk !== false) {
    expired();
    throw new SessionExpired();
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { type?: string; title?: string; detail?: string };
    throw new ApiProblem(response.status, problem, response.headers.get('etag'));
  }
  return response;
}

export async function getJson<T>(path: string, options: { clerk?: boolean } = {}): Promise<T> {
  return (await (await request('GET', path, options)).json()) as T;
}
