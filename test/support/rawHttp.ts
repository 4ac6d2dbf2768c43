import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

// A raw HTTP client: sends a request exactly as given (fetch would normalise the path, forbid some
// methods and insist on valid UTF-8), and tells a hang from an answer.

export interface RawRequest {
  method: string;
  /** Sent as is: the test controls every byte of the request target. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Sends one request; rejects if no complete answer arrives within `timeoutMs` (a hang). */
export function sendRaw(baseUrl: string, request: RawRequest, timeoutMs: number): Promise<RawAnswer> {
  const started = performance.now();
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = String(request.body.length);
    }
    const req = httpRequest({ agent, hostname, port, method: request.method, path: request.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}

export function closeRawClient(): void {
  agent.destroy();
}
