import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { signInSettingsOf } from '#lib/bundid/settings.ts';
import { signInSettingsShape } from '#lib/bundid/settingsShape.ts';

/**
 * The sign-in functions check their settings file by hand (no zod at their cold start); the synth
 * and the local stack write it after checking it with the zod shape. The two must take the same
 * files and make the same settings of them.
 */
const certificate = fc.oneof(
  fc.constantFrom(
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAbCd+/==\n-----END CERTIFICATE-----\n',
    '-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----',
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----  \n\n',
    '-----BEGIN CERTIFICATE-----MIIB\n-----END CERTIFICATE-----',
    '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
    '-----BEGIN CERTIFICATE-----\nMI IB\n-----END CERTIFICATE-----\n',
    '',
  ),
  fc.stringMatching(/^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n .]{0,12}-----END CERTIFICATE-----\s{0,2}$/),
);
const url = fc.oneof(
  fc.constantFrom(
    'https://bundid.example/idp/sso',
    'https://service.example.de/auth/bundid/acs',
    'https://portal.example.de/portal/',
    'https://portal.example.de/portal',
    'http://127.0.0.1:3000/auth/bundid/acs',
    'http://127.0.0.1/portal/',
    'http://127.0.0.1:3000',
    'http://localhost:3000/auth/bundid/acs',
    'http://10.0.0.1/acs',
    '  https://padded.example/portal/  ',
    'https://tab\t.example/por\ntal/',
    'https:/one-slash.example/',
    'https://',
    'ftp://files.example/',
    'not a url',
    '',
  ),
  fc.webUrl({ validSchemes: ['https', 'http'] }),
  fc.webUrl().map((value) => `${value}/`),
  fc.string({ maxLength: 12 }),
);
const text = fc.oneof(fc.constantFrom('', 'Kreis Bergstraße', 'https://bundid.example/idp', 'ok & <fine>'), fc.string({ maxLength: 8 }));
/** Any JSON value a hand-edited file might hold where a setting belongs. */
const odd = fc.oneof(fc.constantFrom(null, 1, true, [], {}), fc.jsonValue({ maxDepth: 1 }));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary }, { weight: 1, arbitrary: odd });
const extraKey = fc.option(fc.constantFrom({ extra: 1 }, { comment: 'x' }), { nil: undefined, freq: 6 });

const settingsFiles = fc.record(
  {
    idp: maybe(
      fc.record({ entityId: maybe(text), ssoUrl: maybe(url), certificates: maybe(fc.array(maybe(certificate), { maxLength: 3 })) }, { requiredKeys: [] }),
    ),
    sp: maybe(fc.record({ entityId: maybe(text), acsUrl: maybe(url), certificate: maybe(certificate) }, { requiredKeys: [] })),
    portalUrl: maybe(url),
    display: maybe(fc.record({ organisationName: maybe(text), onlineServiceId: maybe(text) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);
/** Mostly a value that is taken, sometimes any of `all`: files near valid ones, so that what is taken is exercised as much as refusals. */
const mostly = <T>(taken: fc.Arbitrary<T>, all: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: taken }, { weight: 1, arbitrary: all });
const takenUrl = fc.constantFrom('https://bundid.example/idp/sso', 'http://127.0.0.1:3000/auth/bundid/acs', '  https://padded.example/portal/  ', 'https://tab\t.example/por\ntal/');
const takenCertificate = fc.constantFrom('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----');
const takenText = fc.string({ minLength: 1, maxLength: 8 });
const files = fc.oneof(
  fc.tuple(settingsFiles, extraKey).map(([file, extra]) => ({ ...file, ...extra })),
  fc.record({
    idp: fc.record({ entityId: mostly(takenText, text), ssoUrl: mostly(takenUrl, url), certificates: fc.array(mostly(takenCertificate, certificate), { minLength: 1, maxLength: 2 }) }),
    sp: fc.record({ entityId: mostly(takenText, text), acsUrl: mostly(takenUrl, url), certificate: mostly(takenCertificate, certificate) }),
    portalUrl: mostly(takenUrl, url),
    display: fc.record({ organisationName: mostly(takenText, text), onlineServiceId: mostly(takenText, text) }),
  }),
  odd,
);

const handChecked = (file: unknown) => {
  try {
    return { ok: true, settings: signInSettingsOf(file) };
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^BundID settings: /);
    return { ok: false };
  }
};

describe('the sign-in settings check', () => {
  it('takes a settings file exactly when its zod shape takes it, and makes the same settings of it', () => {
    let taken = 0;
    fc.assert(
      fc.property(files, (file) => {
        // What JSON.parse hands the check: a file that went through JSON.
        const parsed = JSON.parse(JSON.stringify(file) ?? 'null') as unknown;
        const byShape = signInSettingsShape.safeParse(parsed);
        expect(handChecked(parsed)).toEqual(byShape.success ? { ok: true, settings: byShape.data } : { ok: false });
        if (byShape.success) taken++;
      }),
      { numRuns: 4000 },
    );
    // Both outcomes were exercised.
    expect(taken).toBeGreaterThan(50);
  });

  it('takes the settings the local stack and a stage write, as they are', () => {
    const settings = {
      idp: { entityId: 'https://id.bund.de/idp', ssoUrl: 'https://id.bund.de/idp/profile/SAML2/POST/SSO', certificates: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] },
      sp: { entityId: 'https://api.example.de/auth/bundid/metadata', acsUrl: 'https://api.example.de/auth/bundid/acs', certificate: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n' },
      portalUrl: 'https://www.example.de/portal/',
      display: { organisationName: 'Kreis Bergstraße', onlineServiceId: 'egov-forms' },
    };
    expect(signInSettingsOf(JSON.parse(JSON.stringify(settings)))).toEqual(settings);
    expect(() => signInSettingsOf({ ...settings, portalUrl: 'http://www.example.de/portal/' })).toThrow('BundID settings: portalUrl: an https URL (http only on 127.0.0.1)');
    expect(() => signInSettingsOf({ ...settings, sp: { ...settings.sp, key: 'x' } })).toThrow('BundID settings: sp: unknown keys key');
  });
});
