import { type FunctionTable } from '../../functions/functions.ts';
import { LAMBDA_UNRESERVED_MINIMUM, reservationsOf, reservedTotal } from '../capacity.ts';
import type { StageConfig } from '../config.ts';

/**
 * The pre-flight of a deploy (`npm run preflight -- --stage <name>`, docs/deploy.md "Go-live
 * checklist"): what the target account must offer before `cdk deploy` can succeed, checked with
 * read-only AWS calls. The checks see AWS only through `PreflightAws` (preflight/aws.ts adapts the
 * SDK clients), so that they are tested with stubs.
 */

/** What the checks ask AWS; `undefined` answers mean "does not exist". */
export interface PreflightAws {
  /** Lambda GetAccountSettings in the stage's region. */
  lambdaConcurrency(): Promise<{ readonly quota: number; readonly unreserved: number }>;
  /** SES v2 GetEmailIdentity in a region. */
  sesIdentity(region: string, identity: string): Promise<{ readonly verifiedForSending: boolean } | undefined>;
  /** SES v2 GetAccount in a region. */
  sesAccount(region: string): Promise<{ readonly productionAccess: boolean; readonly maxSendRate: number }>;
  /** ACM DescribeCertificate (the certificate's own region is part of its ARN). */
  certificate(arn: string): Promise<{ readonly status: string; readonly domainNames: readonly string[] } | undefined>;
  /** Cognito DescribeUserPoolDomain in a region: the user pool that holds the prefix, if any. */
  cognitoDomainOwner(region: string, prefix: string): Promise<string | undefined>;
}

export type Verdict = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  readonly check: string;
  readonly verdict: Verdict;
  /** What was found. */
  readonly detail: string;
  /** What to do, for warn and fail. */
  readonly action?: string;
}

export interface PreflightOptions {
  /** The stage is deployed already (an update): its own identity, domain and reservations exist. */
  readonly existingStack?: boolean;
  /** The function table (tests hand in their own). */
  readonly table?: FunctionTable;
}

/** The prefix of the clerks' managed-login domain of a stage (infra/constructs/console.ts uses it). */
export function cognitoDomainPrefixOf(config: StageConfig): string {
  return config.console.cognitoDomainPrefix ?? `egov-forms-${config.stage}-clerks`;
}

/** The SES identity Cognito sends from: the domain of `cognitoEmail.fromEmail` (infra/constructs/clerks.ts). */
export function cognitoSesDomainOf(config: StageConfig): string | undefined {
  return config.cognitoEmail?.fromEmail.split('@')[1];
}

const regionOfArn = (arn: string): string => arn.split(':')[3] ?? '';

/** Does a certificate name (possibly `*.example.org`) cover a domain name? */
export function certificateCovers(names: readonly string[], domainName: string): boolean {
  return names.some((name) => name === domainName || (name.startsWith('*.') && domainName.split('.').slice(1).join('.') === name.slice(2)));
}

async function lambdaQuota(aws: PreflightAws, config: StageConfig, options: PreflightOptions): Promise<CheckResult> {
  const check = 'Lambda concurrency quota';
  const needed = reservedTotal(config, options.table);
  const { quota, unreserved } = await aws.lambdaConcurrency();
  // An update already holds its reservations: they count against the quota, not against what is left.
  const available = (options.existingStack ? quota : unreserved) - LAMBDA_UNRESERVED_MINIMUM;
  const detail =
    `the stage reserves ${needed} concurrent executions (${[...reservationsOf(config, options.table)].map(([name, n]) => `${name} ${n}`).join(', ') || 'none'}); ` +
    `the account's quota is ${quota}, ${unreserved} unreserved, of which Lambda keeps ${LAMBDA_UNRESERVED_MINIMUM}`;
  if (needed <= available) return { check, verdict: 'pass', detail };
  return {
    check,
    verdict: 'fail',
    detail,
    action:
      `ask for a higher quota (Service Quotas, Lambda, "Concurrent executions", code L-B99A9384) of at least ${needed + LAMBDA_UNRESERVED_MINIMUM + (options.existingStack ? 0 : quota - unreserved)}, ` +
      'or deploy first with capacity.reservedConcurrency.submit and .clerkEach at 0 and raise them after the increase',
  };
}

async function confirmationIdentity(aws: PreflightAws, config: StageConfig, options: PreflightOptions): Promise<CheckResult> {
  const identity = config.confirmationMail.senderIdentity;
  const check = `SES identity ${identity} (confirmation mails, created by the stack)`;
  const found = await aws.sesIdentity(config.region, identity);
  if (!found) {
    if (options.existingStack) {
      return { check, verdict: 'fail', detail: `it does not exist in ${config.region}`, action: 'the stack created it: find out who deleted it, then deploy again to recreate it' };
    }
    return { check, verdict: 'pass', detail: `it does not exist yet in ${config.region}: the deploy creates it`, action: 'after the deploy publish the three MailDkim CNAME records' };
  }
  if (!options.existingStack) {
    return {
      check,
      verdict: 'fail',
      detail: `it exists already in ${config.region}: creating it would fail the first deploy`,
      action: 'delete it (aws sesv2 delete-email-identity) or name another confirmationMail.senderIdentity; pass --existing-stack when the stage is deployed already',
    };
  }
  return found.verifiedForSending
    ? { check, verdict: 'pass', detail: 'it exists and is verified' }
    : { check, verdict: 'warn', detail: 'it exists but is not verified', action: 'publish the MailDkim CNAME records of the stack outputs' };
}

async function cognitoIdentity(aws: PreflightAws, config: StageConfig): Promise<CheckResult | undefined> {
  const domain = cognitoSesDomainOf(config);
  if (!domain || !config.cognitoEmail) return undefined;
  const region = config.cognitoEmail.sesRegion ?? config.region;
  const check = `SES identity ${domain} (clerks' mails from Cognito, verified before the deploy)`;
  if (domain === config.confirmationMail.senderIdentity) {
    return {
      check,
      verdict: 'fail',
      detail: 'it is also confirmationMail.senderIdentity, which the stack creates: Cognito needs it verified before the stack exists',
      action: 'use a sub-domain for confirmationMail.senderIdentity (e.g. formulare.<domain>) or another domain for cognitoEmail.fromEmail',
    };
  }
  const found = await aws.sesIdentity(region, domain);
  if (found?.verifiedForSending) return { check, verdict: 'pass', detail: `verified in ${region}` };
  return {
    check,
    verdict: 'fail',
    detail: found ? `it exists in ${region} but is not verified` : `it does not exist in ${region}`,
    action: `create it (aws sesv2 create-email-identity --email-identity ${domain} --region ${region}) and publish its DKIM records; Cognito refuses an unverified identity`,
  };
}

async function sesAccount(aws: PreflightAws, config: StageConfig): Promise<CheckResult> {
  const check = `SES account in ${config.region}`;
  const { productionAccess, maxSendRate } = await aws.sesAccount(config.region);
  const wanted = config.confirmationMail.sendRatePerSecond;
  const detail = `${productionAccess ? 'production access' : 'sandbox'}, send rate ${maxSendRate}/s; the stage sends at most ${wanted}/s`;
  if (!productionAccess) {
    return {
      check,
      verdict: config.stage === 'prod' ? 'fail' : 'warn',
      detail,
      action: 'request production access (SES console, "Get set up"): in the sandbox mails reach verified addresses only',
    };
  }
  if (wanted > maxSendRate) {
    return { check, verdict: 'fail', detail, action: `lower confirmationMail.sendRatePerSecond to ${Math.floor(maxSendRate)} or ask AWS for a higher send rate` };
  }
  return { check, verdict: 'pass', detail };
}

async function certificate(aws: PreflightAws, check: string, arn: string, domainName: string, region: string): Promise<CheckResult> {
  if (regionOfArn(arn) !== region) {
    return { check, verdict: 'fail', detail: `the certificate is in ${regionOfArn(arn)}, not ${region}`, action: `request or import it in ${region}` };
  }
  const found = await aws.certificate(arn);
  if (!found) return { check, verdict: 'fail', detail: `${arn} does not exist`, action: `request it in ACM (${region}) and validate it by DNS` };
  if (found.status !== 'ISSUED') {
    return { check, verdict: 'fail', detail: `its status is ${found.status}`, action: 'publish its DNS validation record and wait until ACM shows ISSUED' };
  }
  if (!certificateCovers(found.domainNames, domainName)) {
    return { check, verdict: 'fail', detail: `it names ${found.domainNames.join(', ')}, not ${domainName}`, action: `request a certificate for ${domainName}` };
  }
  return { check, verdict: 'pass', detail: `issued for ${domainName}` };
}

async function cognitoDomain(aws: PreflightAws, config: StageConfig, options: PreflightOptions): Promise<CheckResult> {
  const prefix = cognitoDomainPrefixOf(config);
  const check = `Cognito domain prefix ${prefix}`;
  const owner = await aws.cognitoDomainOwner(config.region, prefix);
  if (!owner) return { check, verdict: 'pass', detail: `free in ${config.region}` };
  if (options.existingStack) return { check, verdict: 'pass', detail: `held by user pool ${owner} (the deployed stage's, if that is its UserPoolId output)` };
  return {
    check,
    verdict: 'fail',
    detail: `taken by user pool ${owner} (prefixes are unique per region, across all accounts)`,
    action: 'set console.cognitoDomainPrefix in the stage file to a free prefix',
  };
}

/** Every check of the stage, in the order of the go-live checklist. */
export async function preflight(config: StageConfig, aws: PreflightAws, options: PreflightOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  // One failing call (no credentials, an action denied) is that check's failure, not the end of the others.
  const run = async (check: string, body: () => Promise<CheckResult | undefined>): Promise<void> => {
    try {
      const result = await body();
      if (result) results.push(result);
    } catch (error) {
      results.push({ check, verdict: 'fail', detail: `the AWS call failed: ${(error as Error).name}: ${(error as Error).message}`, action: 'check the credentials (AWS_PROFILE) and that they may make read-only calls' });
    }
  };
  await run('Lambda concurrency quota', () => lambdaQuota(aws, config, options));
  await run('SES identity (confirmation mails)', () => confirmationIdentity(aws, config, options));
  await run('SES identity (Cognito)', () => cognitoIdentity(aws, config));
  await run('SES account', () => sesAccount(aws, config));
  const api = config.customDomain;
  if (api) await run('ACM certificate (API)', () => certificate(aws, `ACM certificate of the API domain ${api.domainName}`, api.certificateArn, api.domainName, config.region));
  const consoleDomain = config.console.customDomain;
  if (consoleDomain) {
    await run('ACM certificate (console)', () =>
      certificate(aws, `ACM certificate of the console domain ${consoleDomain.domainName}`, consoleDomain.certificateArn, consoleDomain.domainName, 'us-east-1'),
    );
  }
  await run('Cognito domain prefix', () => cognitoDomain(aws, config, options));
  return results;
}

/** The report an operator reads: one line per check, what to do under it, and a summary. */
export function formatResults(results: readonly CheckResult[]): string {
  const lines = results.flatMap(({ check, verdict, detail, action }) => [
    `${verdict.toUpperCase().padEnd(4)} ${check}: ${detail}`,
    ...(action && verdict !== 'pass' ? [`     → ${action}`] : []),
  ]);
  const failed = results.filter(({ verdict }) => verdict === 'fail').length;
  lines.push('', failed === 0 ? 'Pre-flight passed: the account is ready for cdk deploy.' : `Pre-flight failed: ${failed} check(s) to fix before cdk deploy.`);
  return lines.join('\n');
}
