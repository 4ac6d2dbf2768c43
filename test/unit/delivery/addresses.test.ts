import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkedAddress, ForbiddenDestinationError, isPublicAddress, urlProblem, type Resolver } from '#lib/delivery/addresses.ts';

const AWS = { allowLoopbackHttp: false };
const LOCAL = { allowLoopbackHttp: true };
const resolvesTo = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('destination addresses', () => {
  it.each(['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1'])(
    'are not public: %s',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );

  it.each(['93.184.215.14', '2a00:1450:4001:82b::200e', '::ffff:93.184.215.14'])('are public: %s', (address) => expect(isPublicAddress(address)).toBe(true));

  it('must be HTTPS in AWS', () => {
    expect(urlProblem('https://fachverfahren.kreis.de/inbox', AWS)).toBeUndefined();
    expect(urlProblem('http://fachverfahren.kreis.de/inbox', AWS)).toMatch(/HTTPS/);
    expect(urlProblem('http://127.0.0.1:8080/inbox', AWS)).toMatch(/HTTPS/);
    expect(urlProblem('ftp://fachverfahren.kreis.de/', AWS)).toMatch(/HTTPS/);
  });

  it('may be http://127.0.0.1 only where the configuration allows it (locally), and no other plain-HTTP host', () => {
    expect(urlProblem('http://127.0.0.1:8080/inbox', LOCAL)).toBeUndefined();
    expect(urlProblem('http://localhost:8080/inbox', LOCAL)).toMatch(/HTTPS/);
    expect(urlProblem('http://10.0.0.1/inbox', LOCAL)).toMatch(/HTTPS/);
  });

  it('never name a private, loopback or link-local literal, localhost, or carry credentials', () => {
    expect(urlProblem('https://169.254.169.254/latest/meta-data', AWS)).toMatch(/private/);
    expect(urlProblem('https://[::1]/', AWS)).toMatch(/private/);
    expect(urlProblem('https://localhost/', AWS)).toMatch(/this machine/);
    expect(urlProblem('https://user:pw@fachverfahren.kreis.de/', AWS)).toMatch(/credentials/);
  });

  it('are resolved and every answer checked: one private answer refuses the destination', async () => {
    const url = new URL('https://fachverfahren.kreis.de/inbox');
    await expect(checkedAddress(url, AWS, resolvesTo('93.184.215.14'))).resolves.toEqual({ address: '93.184.215.14', family: 4 });
    await expect(checkedAddress(url, AWS, resolvesTo('10.0.0.7'))).rejects.toBeInstanceOf(ForbiddenDestinationError);
    await expect(checkedAddress(url, AWS, resolvesTo('93.184.215.14', '169.254.169.254'))).rejects.toBeInstanceOf(ForbiddenDestinationError);
    await expect(checkedAddress(url, AWS, resolvesTo())).rejects.toBeInstanceOf(ForbiddenDestinationError);
  });

  it('connect to the loopback receiver locally without resolving anything', async () => {
    const never: Resolver = async () => {
      throw new Error('must not resolve');
    };
    await expect(checkedAddress(new URL('http://127.0.0.1:9000/'), LOCAL, never)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
  });

  // Issue 25, point 16: other spellings of loopback and private hosts are refused at synth too.
  it.each([
    'https://localhost./',
    'https://LOCALHOST./inbox',
    'https://api.localhost./',
    'https://localhost.localdomain/',
    'https://fachverfahren/',
    'https://fachverfahren.kreis.de./inbox',
    'https://ip-10-0-0-7.eu-central-1.compute.internal/',
    'https://drucker.local/',
    'https://nas.home.arpa/',
    'https://127.1/',
    'https://127.0.0.1./',
    'https://0x7f.1/',
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://0/',
    'https://0.0.0.0/',
    'https://[::127.0.0.1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:0:127.0.0.1]/',
    'https://[0:0:0:0:0:0:0:1]/',
    'https://[::]/',
    'https://[2002:7f00:1::]/',
    'https://[2001:0:7f00:1::]/',
    'https://[64:ff9b:1::a00:1]/',
    'https://%6c%6fcalhost/',
  ])('refuse %s', (url) => {
    expect(urlProblem(url, AWS)).toBeDefined();
  });

  it('still take a public host, whose name may end in a port or path', () => {
    expect(urlProblem('https://fachverfahren.kreis-bergstrasse.de:8443/egov-inbox', AWS)).toBeUndefined();
    expect(urlProblem('https://[2a00:1450:4001:82b::200e]/', AWS)).toBeUndefined();
    expect(urlProblem('https://93.184.215.14/', AWS)).toBeUndefined();
  });

  /** The not-public IPv4 networks, as (first octet, mask of the rest) that a generator fills in. */
  const privateV4 = fc.oneof(
    fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
    fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
    fc.tuple(fc.constant(0), fc.nat(255), fc.nat(255), fc.nat(255)),
    fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
    fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
    fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
    fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
  );
  const toInt = ([a, b, c, d]: number[]) => ((a! << 24) >>> 0) + (b! << 16) + (c! << 8) + d!;
  const hex = (n: number) => n.toString(16);
  /** Ways a host may spell an IPv4 address that the URL parser (and a resolver) accept. */
  const spellings: ((octets: number[]) => string)[] = [
    (o) => o.join('.'),
    (o) => `${o.join('.')}.`,
    (o) => String(toInt(o)),
    (o) => `0x${hex(toInt(o))}`,
    (o) => o.map((part) => `0${part.toString(8)}`).join('.'),
    (o) => o.map((part) => `0x${hex(part)}`).join('.'),
    (o) => `${o[0]}.${(o[1]! << 16) + (o[2]! << 8) + o[3]!}`,
    (o) => `${o[0]}.${o[1]}.${(o[2]! << 8) + o[3]!}`,
    (o) => `[::ffff:${o.join('.')}]`,
    (o) => `[::ffff:${hex((o[0]! << 8) + o[1]!)}:${hex((o[2]! << 8) + o[3]!)}]`,
    (o) => `[0:0:0:0:0:ffff:${o.join('.')}]`,
    (o) => `[::ffff:0:${o.join('.')}]`,
    (o) => `[::${o.join('.')}]`,
    (o) => `[2002:${hex((o[0]! << 8) + o[1]!)}:${hex((o[2]! << 8) + o[3]!)}::1]`,
    (o) => `[64:ff9b::${o.join('.')}]`,
  ];

  it('refuse every spelling of a loopback, private, link-local or CGNAT IPv4 address (property)', () => {
    fc.assert(
      fc.property(privateV4, fc.nat(spellings.length - 1), fc.boolean(), (octets, which, upper) => {
        const host = spellings[which]!(octets);
        const url = `https://${upper ? host.toUpperCase() : host}/inbox`;
        expect({ url, problem: urlProblem(url, AWS) }).toEqual({ url, problem: expect.any(String) });
      }),
      { numRuns: 2000 },
    );
  });

  it('refuse every spelling of localhost and the private names: case, a trailing dot, subdomains (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        fc.array(label, { maxLength: 3 }),
        fc.constantFrom('localhost', 'localdomain', 'local', 'internal', 'home.arpa', 'compute.internal'),
        fc.boolean(),
        fc.boolean(),
        (labels, suffix, dot, upper) => {
          const host = `${[...labels, suffix].join('.')}${dot ? '.' : ''}`;
          const url = `https://${upper ? host.toUpperCase() : host}/`;
          expect({ url, problem: urlProblem(url, AWS) }).toEqual({ url, problem: expect.any(String) });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
