import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { BuiltFile } from '../../console/shared/build.ts';

/**
 * A static front end (the clerks' console, the citizens' portal) served by the local gateway below
 * its path, as CloudFront serves it in AWS: built in memory on the first request for it (esbuild,
 * about a second; stacks that serve no front end, such as tests and benchmarks, pay nothing; a
 * failed build is retried on the next request), with the same security headers, `config.json`
 * written by the stack, assets cached for good, and text compressed as CloudFront compresses it.
 */
export type LocalSite = (req: IncomingMessage, res: ServerResponse, path: string, requestId: string) => Promise<boolean>;

/** The CSP of a front end, locally and in AWS (the constructs add the API, sign-in and S3 origins). */
export function frontEndCsp(connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join('; ');
}

export const securityHeaders = (csp: string): Record<string, string> => ({
  'Content-Security-Policy': csp,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
});

export interface StaticSiteOptions {
  /** Where it is served, without a trailing slash (`/console`, `/portal`). */
  path: string;
  build: () => Promise<Map<string, BuiltFile>>;
  /** `config.json`: what the deployment tells the app. */
  config: unknown;
  headers: Record<string, string>;
  /**
   * Whether a path that names no file answers index.html (an app with real paths such as
   * `/portal/forms/x`, as the portal's CloudFront distribution answers them).
   */
  appRoutes?: boolean;
}

/**
 * CloudFront's `compress: true` with the CachingOptimized policy: text of 1,000 bytes or more is
 * sent brotli-compressed to a browser that accepts `br`, else gzipped to one that accepts `gzip`
 * (so that what Lighthouse measures locally is what citizens download). Each file is compressed
 * once per encoding.
 */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript)|image\/svg\+xml)/;
const MIN_COMPRESSED_BYTES = 1000;
const compressed = new WeakMap<Uint8Array, Partial<Record<'br' | 'gzip', Uint8Array>>>();

export function encodingFor(acceptEncoding: string | undefined, contentType: string, size: number): 'br' | 'gzip' | undefined {
  if (size < MIN_COMPRESSED_BYTES || !COMPRESSIBLE.test(contentType)) return undefined;
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, ...params]) => !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param)))
      .map(([name]) => name!.toLowerCase()),
  );
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : undefined;
}

function encoded(contents: Uint8Array, encoding: 'br' | 'gzip'): Uint8Array {
  const cached = compressed.get(contents) ?? {};
  cached[encoding] ??= encoding === 'br' ? brotliCompressSync(contents) : gzipSync(contents);
  compressed.set(contents, cached);
  return cached[encoding];
}

export type StaticFiles = (req: IncomingMessage, res: ServerResponse, name: string, requestId: string) => Promise<void>;

function notFound(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(404, { ...headers, 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ type: 'urn:problem:not-found', title: 'Not found', status: 404 }));
}

/** Answers GET/HEAD of one file of the built app by its name below the site's path. */
export function staticFiles(options: StaticSiteOptions): StaticFiles {
  let built: Promise<Map<string, BuiltFile>> | undefined;
  const filesOf = (): Promise<Map<string, BuiltFile>> => {
    built ??= options.build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
  const config = Buffer.from(JSON.stringify(options.config));
  return async (req, res, name, requestId) => {
    const method = req.method ?? 'GET';
    const headers = { ...options.headers, 'X-Request-Id': requestId };
    const files = name === 'config.json' ? undefined : await filesOf();
    let file: BuiltFile | undefined = name === 'config.json' ? { contents: config, contentType: 'application/json; charset=utf-8' } : files?.get(name);
    // An app path (no file extension) is the app itself; a missing asset stays a 404.
    if (!file && options.appRoutes && !/\.[a-z0-9]+$/i.test(name)) file = files?.get('index.html');
    if ((method !== 'GET' && method !== 'HEAD') || !file) return notFound(res, headers);
    const encoding = encodingFor(req.headers['accept-encoding'], file.contentType, file.contents.length);
    const body = encoding ? encoded(file.contents, encoding) : file.contents;
    res.writeHead(200, {
      ...headers,
      'Content-Type': file.contentType,
      'Cache-Control': name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(COMPRESSIBLE.test(file.contentType) ? { Vary: 'Accept-Encoding' } : {}),
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
      'Content-Length': String(body.length),
    });
    res.end(method === 'HEAD' ? undefined : body);
  };
}

/** The whole site at `options.path`: a redirect from the bare path to `path/`, then the files. */
export function createStaticSite(options: StaticSiteOptions): LocalSite {
  const files = staticFiles(options);
  return async (req, res, path, requestId) => {
    if (path !== options.path && !path.startsWith(`${options.path}/`)) return false;
    if (path === options.path) {
      res.writeHead(301, { ...options.headers, 'X-Request-Id': requestId, Location: `${options.path}/` });
      res.end();
      return true;
    }
    await files(req, res, path.slice(options.path.length + 1) || 'index.html', requestId);
    return true;
  };
}
