import { describe, expect, it } from '@jest/globals';
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
});
