import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a delivery may go: never to this machine, the VPC, a link-local metadata service or any
 * other address that is not on the public internet (SSRF). A destination's host name is resolved,
 * every address it resolves to is checked, and the request then connects to the checked address
 * (post.ts), so that a DNS answer that changes between check and connect cannot slip through.
 */
const notPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (instance metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form (::127.0.0.1 is ::7f00:1)
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT): another spelling of an IPv4 address
  ['64:ff9b::', 96], // NAT64: would reach an IPv4 address we cannot check
  ['64:ff9b:1::', 48], // local-use NAT64, the same
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: tunnels to an IPv4 address
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address (2002:7f00:1:: is 127.0.0.1)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK_V4 = '127.0.0.1';

export interface AddressPolicy {
  /** Locally only: the reference receiver on this machine, over plain HTTP (API.md). */
  readonly allowLoopbackHttp: boolean;
}

/**
 * Whether an IP address is on the public internet. IPv4-mapped IPv6 addresses are judged as the
 * IPv4 address they map (BlockList also matches IPv4 against IPv6 rules for ::ffff:0:0/96, so that
 * range is not listed as such).
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return isPublicAddress(mapped[1]);
    return !notPublic.check(address, 'ipv6');
  }
  return !notPublic.check(address, 'ipv4');
}

/** Why a destination URL is not allowed (without resolving it), or undefined when its form is fine. */
export function urlProblem(raw: string, policy: AddressPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') {
    return policy.allowLoopbackHttp && host === LOOPBACK_V4 ? undefined : `must be HTTPS${policy.allowLoopbackHttp ? ' (or http://127.0.0.1)' : ''}`;
  }
  if (url.protocol !== 'https:') return 'must be HTTPS';
  // The URL parser has already turned every IPv4 spelling (127.1, 0x7f.1, 2130706433, 0177.0.0.1,
  // a trailing dot) into dotted decimal, and IPv6 into its compressed form.
  if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : 'must not name a private, loopback or link-local address';
  return nameProblem(host);
}

/**
 * Names that are this machine, or resolve only inside a private network: localhost and its
 * subdomains (RFC 6761), mDNS (.local), the private-use TLDs (.internal, AWS's *.compute.internal
 * among them; .home.arpa; .localdomain, .lan, .intranet, .corp, .private), and a name of one label,
 * which the resolver completes with the network's search domains.
 */
const PRIVATE_SUFFIXES = ['localhost', 'localdomain', 'local', 'internal', 'home.arpa', 'lan', 'intranet', 'corp', 'private'];

function nameProblem(host: string): string | undefined {
  // "localhost." is localhost; a trailing dot (the root label) is refused on any name.
  const name = host.replace(/\.+$/, '');
  if (PRIVATE_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return 'must not name this machine or a private network';
  if (name !== host) return 'must name its host without a trailing dot';
  if (!host.includes('.')) return 'must name a fully qualified host (a name of one label may resolve to this machine or the private network)';
  return undefined;
}

export class ForbiddenDestinationError extends Error {
  override name = 'ForbiddenDestinationError';
}

export interface CheckedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Resolves a destination URL's host and checks every address it resolves to; answers the one to
 * connect to. One forbidden address refuses the whole destination (an attacker controlling DNS
 * could otherwise mix a public and a private answer).
 */
export async function checkedAddress(url: URL, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<CheckedAddress> {
  const problem = urlProblem(url.href, policy);
  if (problem) throw new ForbiddenDestinationError(`destination URL ${problem}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:') return { address: LOOPBACK_V4, family: 4 }; // urlProblem admitted exactly http://127.0.0.1
  const literal = isIP(host);
  const answers = literal !== 0 ? [{ address: host, family: literal }] : await resolve(host);
  if (answers.length === 0) throw new ForbiddenDestinationError('destination host does not resolve');
  for (const answer of answers) {
    if (!isPublicAddress(answer.address)) throw new ForbiddenDestinationError('destination host resolves to a private, loopback or link-local address');
  }
  const first = answers[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
