import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { buildConsole } from '../../console/build.ts';
import { office } from '#lib/api/schemas.ts';
import { frontEndCsp, securityHeaders as frontEndHeaders, staticFiles, type LocalSite } from './staticSite.ts';
import { mintToken } from './tokens.ts';

/**
 * The clerk console on the local stack, at `<apiUrl>/console/`: built in memory on first request
 * (esbuild, about a second), served with the same Content-Security-Policy the CloudFront distribution sends,
 * and the local user pool's sign-in page behind it: `POST /console/local-sign-in` mints an ID token
 * for the chosen clerk and offices, as `npm run token` does. Everything stays on 127.0.0.1, like
 * the token command that reads the same key from the data dir. The sign-in answers only a JSON
 * request whose `Host` and `Origin` are the stack's own address (`127.0.0.1:<port>`): a web page
 * elsewhere cannot use it, not through a form (no JSON), nor with a name of its own that it
 * rebinds to 127.0.0.1 (its `Host` and `Origin` name it).
 */
export const CONSOLE_PATH = '/console';

/** The CSP of the console, locally and in AWS (infra/constructs/console.ts adds the Cognito domain and the API). */
export const consoleCsp = frontEndCsp;

const securityHeaders = (connect: readonly string[]) => frontEndHeaders(consoleCsp(connect));

const signInRequest = z.strictObject({
  sub: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/),
  offices: z.array(office).min(1).max(10),
  /** Short-lived tokens for tests of what happens when a session expires. */
  ttlSeconds: z.int().min(5).max(3600).optional(),
});

/**
 * Why a sign-in request is refused: not from the stack's own origin (403; DNS rebinding or another
 * site), or not JSON (415; a cross-site form can send only form encodings and text/plain).
 */
function signInRefusal(req: IncomingMessage): { status: number; type: string; title: string } | undefined {
  const own = `127.0.0.1:${req.socket.localPort}`;
  if (req.headers.host !== own || req.headers.origin !== `http://${own}`) {
    return { status: 403, type: 'forbidden', title: 'Only the console of this stack (http://127.0.0.1:<port>) may sign in' };
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') return { status: 415, type: 'unsupported-media-type', title: 'Send application/json' };
  return undefined;
}

export type ConsoleSite = LocalSite;

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 4096) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `connect`: origins the console may fetch from besides itself — locally the S3 store, whose
 * presigned URLs the console fetches attachments from (in AWS the region's S3 endpoint).
 */
export function createConsoleSite(dataDir: string, connect: readonly string[] = []): ConsoleSite {
  const SECURITY_HEADERS = securityHeaders(connect);
  const files = staticFiles({ path: CONSOLE_PATH, build: buildConsole, config: { apiUrl: '', auth: { kind: 'local' } }, headers: SECURITY_HEADERS });
  return async (req, res, path, requestId) => {
    if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return false;
    const method = req.method ?? 'GET';
    const headers = { ...SECURITY_HEADERS, 'X-Request-Id': requestId };
    if (path === CONSOLE_PATH) {
      res.writeHead(301, { ...headers, Location: `${CONSOLE_PATH}/` });
      res.end();
      return true;
    }
    const name = path.slice(CONSOLE_PATH.length + 1) || 'index.html';
    if (method === 'POST' && name === 'local-sign-in') {
      const refused = signInRefusal(req);
      if (refused) {
        req.resume();
        res.writeHead(refused.status, { ...headers, 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ type: `urn:problem:${refused.type}`, title: refused.title, status: refused.status }));
        return true;
      }
      const parsed = signInRequest.safeParse(await readJson(req));
      if (!parsed.success) {
        res.writeHead(400, { ...headers, 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ type: 'urn:problem:malformed-request', title: 'Malformed request', status: 400 }));
        return true;
      }
      const idToken = await mintToken(dataDir, { sub: parsed.data.sub, offices: parsed.data.offices, ttlSeconds: parsed.data.ttlSeconds ?? 3600 });
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ idToken }));
      return true;
    }
    await files(req, res, name, requestId);
    return true;
  };
}
