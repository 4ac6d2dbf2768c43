import { Agent, request } from 'node:http';

/**
 * The throughput bench's load generator: POSTs over `node:http` with a keep-alive agent of its own.
 * The bench process also runs the local stack (gateway, handlers, local KMS) and the floors' SDK
 * clients, on the same two cores as DynamoDB Local, so whatever the client spends per request is
 * charged to the submissions and to no floor. `fetch` (undici, WHATWG streams) took ~230 µs of CPU
 * per request on this machine against ~70 µs for `node:http`, both over kept-alive connections.
 */
export interface Answer {
  status: number;
  text: string;
}

export interface KeepAlivePoster {
  post(url: string, headers: Record<string, string>, body: string): Promise<Answer>;
  /** Closes the agent's sockets. */
  destroy(): void;
}

/**
 * An idle socket is closed after IDLE_MS, before the server's keep-alive timeout (Node's default,
 * 5 s) closes it: a request sent on a socket the server is closing would fail with ECONNRESET.
 */
const IDLE_MS = 4_000;

export function keepAlivePoster(maxSockets: number): KeepAlivePoster {
  const agent = new Agent({ keepAlive: true, maxSockets, timeout: IDLE_MS });
  return {
    post: (url, headers, body) =>
      new Promise<Answer>((resolve, reject) => {
        const outgoing = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', reject);
          response.once('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        });
        outgoing.once('error', reject);
        outgoing.end(body);
      }),
    destroy: () => agent.destroy(),
  };
}
