import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The delivery signature (API.md): `X-Delivery-Signature: v1=<hex HMAC-SHA512(secret,
 * timestamp + "." + body)>` over the exact body bytes, so that a receiver can tell our request
 * from a forged or replayed one before it decrypts anything. The timestamp is signed with the body:
 * an old request cannot be re-sent with a fresh timestamp.
 */
export const SIGNATURE_VERSION = 'v1';
/** How far a receiver lets the timestamp be from its own clock (API.md: ±5 minutes). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export const HEADERS = {
  deliveryId: 'X-Delivery-Id',
  caseId: 'X-Case-Id',
  timestamp: 'X-Delivery-Timestamp',
  signature: 'X-Delivery-Signature',
} as const;

function mac(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha512', secret).update(`${timestamp}.`, 'utf8').update(body).digest();
}

export function sign(secret: string, timestamp: string, body: string | Uint8Array): string {
  return `${SIGNATURE_VERSION}=${mac(secret, timestamp, body).toString('hex')}`;
}

export type VerificationFailure = 'missing' | 'malformed' | 'mismatch' | 'stale';

/**
 * Checks a received signature and timestamp: the MAC in constant time, then the timestamp against
 * `nowSeconds` within the tolerance. Answers undefined when both hold, else why not.
 */
export function verify(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: Uint8Array,
  nowSeconds: number,
): VerificationFailure | undefined {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'malformed';
  // Several signatures may be sent during a secret rotation: any one valid v1 signature counts.
  const given = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .map((part) => part.slice(SIGNATURE_VERSION.length + 1));
  if (given.length === 0 || given.some((hex) => !/^[0-9a-f]{128}$/.test(hex))) return 'malformed';
  const expected = mac(secret, timestamp, body);
  if (!given.some((hex) => timingSafeEqual(Buffer.from(hex, 'hex'), expected))) return 'mismatch';
  if (Math.abs(nowSeconds - Number(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS) return 'stale';
  return undefined;
}
