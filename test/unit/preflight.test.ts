// Issue 25, points 1 and 3: `npm run preflight` checks the account before a deploy, read-only,
// through stubbed AWS answers here (no AWS in tests).
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { LAMBDA_UNRESERVED_MINIMUM, reservationsOf, reservedTotal } from '../../infra/capacity.ts';
import { checkDeployable, defaultStageName, loadStageConfig, type StageConfig } from '../../infra/config.ts';
import { type PreflightClients, preflightAws } from '../../infra/preflight/aws.ts';
import { type CheckResult, type PreflightAws, certificateCovers, cognitoDomainPrefixOf, cognitoSesDomainOf, formatResults, preflight } from '../../infra/preflight/checks.ts';
import { functionsOf } from '../../functions/functions.ts';

const FIXTURE = fileURLToPath(new URL('../infra/fixtures/kreis-bergstrasse-prod.json', import.meta.url));
const prodConfig = (): StageConfig => checkDeployable(loadStageConfig((key) => ({ stage: 'prod', stageFile: FIXTURE })[key as 'stage']));
const devConfig = (): StageConfig => loadStageConfig((key) => ({ stage: defaultStageName() })[key as 'stage']);

/** An account in which everything the stage needs is in place; each test spoils one thing. */
function readyAccount(config: StageConfig, overrides: Partial<PreflightAws> = {}): PreflightAws & { calls: string[] } {
  const calls: string[] = [];
  const cognitoDomain = cognitoSesDomainOf(config);
  return {
    calls,
    async lambdaConcurrency() {
      calls.push('lambda');
      return { quota: 1000, unreserved: 1000 };
    },
    async sesIdentity(region, identity) {
      calls.push(`ses:${region}:${identity}`);
      return identity === cognitoDomain ? { verifiedForSending: true } : undefined;
    },
    async sesAccount() {
      return { productionAccess: true, maxSendRate: 14 };
    },
    async certificate(arn) {
      calls.push(`acm:${arn}`);
      return { status: 'ISSUED', domainNames: [config.customDomain?.domainName ?? '', config.console.customDomain?.domainName ?? ''] };
    },
    async cognitoDomainOwner() {
      return undefined;
    },
    ...overrides,
  };
}

const verdictOf = (results: readonly CheckResult[], check: RegExp): CheckResult => {
  const found = results.find((result) => check.test(result.check));
  if (!found) throw new Error(`no check ${check}: ${results.map((r) => r.check).join('; ')}`);
  return found;
};

describe('reserved concurrency as a stage setting (point 1)', () => {
  it('derives the sum from the function table: submit, each clerk function, and the probe', () => {
    const config = prodConfig();
    const clerkFunctions = functionsOf().filter(({ trigger }) => trigger.kind === 'http' && trigger.access === 'clerk').length;
    const reserved = config.capacity.reservedConcurrency!;
    expect(reservedTotal(config)).toBe(reserved.submit + clerkFunctions * reserved.clerkEach + 1);
  });

  it('0 reserves nothing, for no function and not for the probe', () => {
    const config = prodConfig();
    const zero = { ...config, capacity: { ...config.capacity, reservedConcurrency: { submit: 0, clerkEach: 0 } } };
    expect(reservationsOf(zero).size).toBe(0);
    expect(reservedTotal(devConfig())).toBe(0);
    const submitOnly = { ...config, capacity: { ...config.capacity, reservedConcurrency: { submit: 10, clerkEach: 0 } } };
    expect([...reservationsOf(submitOnly)]).toEqual([['submit', 10], ['syntheticProbe', 1]]);
  });
});

describe('npm run preflight (points 1 and 3)', () => {
  it('passes an account that is ready and makes only the read-only calls', async () => {
    const config = prodConfig();
    const aws = readyAccount(config);
    const results = await preflight(config, aws);
    expect(results.filter(({ verdict }) => verdict !== 'pass')).toEqual([]);
    expect(formatResults(results)).toMatch(/Pre-flight passed/);
    expect(aws.calls).toEqual(expect.arrayContaining(['lambda', `acm:${config.customDomain!.certificateArn}`]));
  });

  it("fails when the account's unreserved concurrency cannot hold the stage's reservations, and says what to do", async () => {
    const config = prodConfig();
    const needed = reservedTotal(config);
    const results = await preflight(config, readyAccount(config, { lambdaConcurrency: async () => ({ quota: 400, unreserved: 400 }) }));
    const check = verdictOf(results, /Lambda concurrency/);
    expect(check.verdict).toBe('fail');
    expect(check.detail).toContain(`reserves ${needed}`);
    expect(check.action).toMatch(/L-B99A9384.*at least \d+.*reservedConcurrency.*0/s);
    expect(formatResults(results)).toMatch(/^FAIL Lambda concurrency quota/m);
    // Exactly at the limit Lambda accepts it.
    const edge = await preflight(config, readyAccount(config, { lambdaConcurrency: async () => ({ quota: 2000, unreserved: needed + LAMBDA_UNRESERVED_MINIMUM }) }));
    expect(verdictOf(edge, /Lambda concurrency/).verdict).toBe('pass');
    // With reservations at 0 a new account's quota suffices.
    const zero = { ...config, capacity: { ...config.capacity, reservedConcurrency: { submit: 0, clerkEach: 0 } } };
    const fresh = await preflight(zero, readyAccount(zero, { lambdaConcurrency: async () => ({ quota: 400, unreserved: 400 }) }));
    expect(verdictOf(fresh, /Lambda concurrency/).verdict).toBe('pass');
  });

  it("an update counts the stage's own reservations against the quota, not against what is left", async () => {
    const config = prodConfig();
    const needed = reservedTotal(config);
    const deployed = readyAccount(config, { lambdaConcurrency: async () => ({ quota: 1000, unreserved: 1000 - needed }) });
    expect(verdictOf(await preflight(config, deployed), /Lambda concurrency/).verdict).toBe('fail');
    expect(verdictOf(await preflight(config, deployed, { existingStack: true }), /Lambda concurrency/).verdict).toBe('pass');
  });

  it("fails when the confirmation mails' identity exists before the first deploy (the stack creates it)", async () => {
    const config = prodConfig();
    const results = await preflight(config, readyAccount(config, { sesIdentity: async () => ({ verifiedForSending: true }) }));
    const check = verdictOf(results, /confirmation mails/);
    expect(check.verdict).toBe('fail');
    expect(check.action).toMatch(/delete-email-identity/);
    expect(verdictOf(await preflight(config, readyAccount(config, { sesIdentity: async () => ({ verifiedForSending: true }) }), { existingStack: true }), /confirmation mails/).verdict).toBe('pass');
  });

  it("fails when Cognito's SES domain is missing or unverified, in the region Cognito sends from", async () => {
    const config = prodConfig();
    const domain = cognitoSesDomainOf(config)!;
    for (const answer of [undefined, { verifiedForSending: false }]) {
      const aws = readyAccount(config, { sesIdentity: async (_region, identity) => (identity === domain ? answer : undefined) });
      const check = verdictOf(await preflight(config, aws), /mails from Cognito/);
      expect(check.verdict).toBe('fail');
      expect(check.action).toContain(`create-email-identity --email-identity ${domain}`);
    }
    const elsewhere = { ...config, cognitoEmail: { ...config.cognitoEmail!, sesRegion: 'eu-west-1' } };
    const aws = readyAccount(elsewhere);
    await preflight(elsewhere, aws);
    expect(aws.calls).toContain(`ses:eu-west-1:${domain}`);
  });

  it('fails prod in the SES sandbox and a send rate above the account\'s', async () => {
    const config = prodConfig();
    const sandbox = await preflight(config, readyAccount(config, { sesAccount: async () => ({ productionAccess: false, maxSendRate: 1 }) }));
    expect(verdictOf(sandbox, /SES account/).verdict).toBe('fail');
    const devSandbox = await preflight(devConfig(), readyAccount(devConfig(), { sesAccount: async () => ({ productionAccess: false, maxSendRate: 1 }) }));
    expect(verdictOf(devSandbox, /SES account/).verdict).toBe('warn');
    const fast = { ...config, confirmationMail: { ...config.confirmationMail, sendRatePerSecond: 50 } };
    expect(verdictOf(await preflight(fast, readyAccount(fast)), /SES account/).action).toMatch(/sendRatePerSecond to 14/);
  });

  it('fails a certificate that is not issued, does not name the domain, or does not exist', async () => {
    const config = prodConfig();
    const answers = [undefined, { status: 'PENDING_VALIDATION', domainNames: [config.customDomain!.domainName] }, { status: 'ISSUED', domainNames: ['other.example'] }];
    for (const answer of answers) {
      const check = verdictOf(await preflight(config, readyAccount(config, { certificate: async () => answer })), /ACM certificate of the API/);
      expect(check.verdict).toBe('fail');
    }
    expect(certificateCovers(['*.formulare.landkreis.example'], 'api.formulare.landkreis.example')).toBe(true);
    expect(certificateCovers(['*.landkreis.example'], 'api.formulare.landkreis.example')).toBe(false);
  });

  it("checks the console's certificate in us-east-1 when the console has a custom domain", async () => {
    const config = prodConfig();
    const withConsole = {
      ...config,
      console: { ...config.console, customDomain: { domainName: 'bearbeitung.landkreis.example', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } },
    };
    expect(verdictOf(await preflight(withConsole, readyAccount(withConsole)), /console domain/).verdict).toBe('pass');
  });

  it('fails a Cognito domain prefix that another user pool holds', async () => {
    const config = prodConfig();
    const taken = readyAccount(config, { cognitoDomainOwner: async () => 'eu-central-1_Other' });
    const check = verdictOf(await preflight(config, taken), new RegExp(cognitoDomainPrefixOf(config)));
    expect(check.verdict).toBe('fail');
    expect(check.action).toMatch(/console\.cognitoDomainPrefix/);
  });

  it('a failing AWS call fails its own check and the others still run', async () => {
    const config = prodConfig();
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const results = await preflight(config, readyAccount(config, { lambdaConcurrency: async () => Promise.reject(denied) }));
    expect(verdictOf(results, /Lambda concurrency/)).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('AccessDeniedException') });
    expect(verdictOf(results, /Cognito domain prefix/).verdict).toBe('pass');
  });
});

describe('the SDK adapter of the pre-flight', () => {
  const notFound = (name: string) => Object.assign(new Error('missing'), { name });
  const stub = (answer: (command: object) => unknown) => ({ send: async (command: object) => answer(command) });

  it('maps the answers of the read-only SDK calls, and "not found" to undefined', async () => {
    const commands: string[] = [];
    const clients: PreflightClients = {
      lambda: stub((command) => (commands.push(command.constructor.name), { AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 900 } })),
      ses: () =>
        stub((command) => {
          commands.push(command.constructor.name);
          if (command.constructor.name === 'GetAccountCommand') return { ProductionAccessEnabled: true, SendQuota: { MaxSendRate: 14 } };
          const identity = (command as { input: { EmailIdentity: string } }).input.EmailIdentity;
          if (identity === 'missing.example') throw notFound('NotFoundException');
          return { VerifiedForSendingStatus: true };
        }),
      acm: (region) =>
        stub((command) => {
          commands.push(`${command.constructor.name}@${region}`);
          if ((command as { input: { CertificateArn: string } }).input.CertificateArn.endsWith('/gone')) throw notFound('ResourceNotFoundException');
          return { Certificate: { Status: 'ISSUED', DomainName: 'a.example', SubjectAlternativeNames: ['a.example', 'b.example'] } };
        }),
      cognito: () => stub((command) => (commands.push(command.constructor.name), (command as { input: { Domain: string } }).input.Domain === 'free' ? { DomainDescription: {} } : { DomainDescription: { UserPoolId: 'eu-central-1_x' } })),
    };
    const aws = preflightAws(clients);
    expect(await aws.lambdaConcurrency()).toEqual({ quota: 1000, unreserved: 900 });
    expect(await aws.sesIdentity('eu-central-1', 'formulare.example')).toEqual({ verifiedForSending: true });
    expect(await aws.sesIdentity('eu-central-1', 'missing.example')).toBeUndefined();
    expect(await aws.sesAccount('eu-central-1')).toEqual({ productionAccess: true, maxSendRate: 14 });
    expect(await aws.certificate('arn:aws:acm:us-east-1:123456789012:certificate/x')).toEqual({ status: 'ISSUED', domainNames: ['a.example', 'b.example'] });
    expect(await aws.certificate('arn:aws:acm:eu-central-1:123456789012:certificate/gone')).toBeUndefined();
    expect(await aws.cognitoDomainOwner('eu-central-1', 'free')).toBeUndefined();
    expect(await aws.cognitoDomainOwner('eu-central-1', 'taken')).toBe('eu-central-1_x');
    // Read-only calls only.
    expect(commands.every((name) => /^(Get|Describe)/.test(name))).toBe(true);
    expect(commands).toContain('DescribeCertificateCommand@us-east-1');
  });

  it('passes other errors on', async () => {
    const aws = preflightAws({
      lambda: stub(() => ({})),
      ses: () => stub(() => Promise.reject(notFound('AccessDeniedException'))),
      acm: () => stub(() => ({})),
      cognito: () => stub(() => ({})),
    });
    await expect(aws.sesIdentity('eu-central-1', 'x.example')).rejects.toThrow('missing');
  });
});
