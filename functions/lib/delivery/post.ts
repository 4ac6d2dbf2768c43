import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedAddress } from './addresses.ts';

/** API.md: no answer within 10 seconds is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface PostResult {
  readonly status: number;
}

/**
 * POSTs the body to the URL, connecting to the address that was checked (addresses.ts) instead of
 * resolving the name again; TLS still verifies the certificate against the URL's host name. The
 * whole exchange (connect, send, answer) ends after `timeoutMs`; the answer's body is read and
 * dropped. Redirects are not followed: a 3xx is a failed attempt, the body never goes elsewhere.
 */
export function post(url: URL, to: CheckedAddress, headers: Record<string, string>, body: string, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<PostResult> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ ...to }]);
    else callback(null, to.address, to.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostResult>((resolve, reject) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal,
      },
      (response: IncomingMessage) => {
        response.on('error', reject);
        response.on('data', () => undefined);
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    req.on('error', (error) => reject(signal.aborted ? new DeliveryTimeoutError(`no answer within ${timeoutMs} ms`) : error));
    req.end(body);
  });
}

export class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
}
