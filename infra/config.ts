import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { urlProblem } from '../functions/lib/delivery/addresses.ts';
import { publicJwkShape } from '../functions/lib/delivery/jwe.ts';
import { SLUG_PATTERN } from '../functions/lib/api/patterns.ts';
import type { SignInSettings } from '../functions/lib/bundid/settings.ts';
import { signInSettingsShape } from '../functions/lib/bundid/settingsShape.ts';
import { checkpointIntervalMinutes, DEFAULT_CHECKPOINT_INTERVAL_MINUTES } from '../functions/lib/audit/settings.ts';

/**
 * Stage configuration: one committed JSON file per administration and stage,
 * `infra/stages/<name>.json` (e.g. `kreis-bergstrasse-prod`), selected with `-c stage=<name>` and
 * parsed with zod so that a typo fails the synth instead of deploying something half-configured.
 * The file's name names the deployment: the stack and every account- or region-unique resource
 * name derive from it (`egov-forms-<name>…`), so that any number of administrations, and dev and
 * prod of one, deploy side by side (silo tenancy, API.md "Administrations and offices"). The file
 * holds the administration's name, its offices with display names and the forms it offers; it is
 * the one place an operator changes a deployment; a deployment repository of its own may point at
 * another file with `-c stageFile=<path>` (its name is then the file's name). A few values may also
 * be given per call (`-c region=`, `-c alarmEmail=`, `-c corsOrigins=a,b`), which never persists:
 * write lasting values into the file. docs/deploy.md explains each setting.
 */

/** The kinds of stage (`"stage"` in a stage file): prod gets the strict checks of `checkDeployable`. */
export const STAGE_KINDS = ['dev', 'prod'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/**
 * A stage file's name, `<administration>-<stage>`: lower case, digits and single hyphens, at most
 * 32 characters, so that the longest derived name (`egov-forms-<name>-case-key-break-glass`, an IAM
 * role) stays within AWS's 64 characters.
 */
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const STAGE_NAME_MAX_LENGTH = 32;

/** Where the committed stage files live. */
export const STAGES_DIR = fileURLToPath(new URL('./stages/', import.meta.url));

/**
 * The stage `cdk` and `npm start` use when none is named: cdk.json's context `stage` (the shipped
 * dev file of the Landkreis), so that the default lives in one place.
 */
export function defaultStageName(): string {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context?: { stage?: unknown } };
  const stage = cdkJson.context?.stage;
  if (typeof stage !== 'string') throw new Error('cdk.json names no default stage (context.stage)');
  return stage;
}

/** The names of the committed stage files, sorted: every administration and stage this repository deploys. */
export function stageNames(dir: string = STAGES_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** The stage file's path as an operator types it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

const retentionDays = z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(180), z.literal(365)]);
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);
const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:.+$`), `an ${service} ARN`);

/** A display name in German and English (the console and the portal show it, never the id). */
const displayName = z.strictObject({ de: z.string().trim().min(1), en: z.string().trim().min(1) });
const officeId = z.string().regex(SLUG_PATTERN, 'an office id: lower case letters, digits and hyphens, starting with a letter');

const stageConfigSchema = z.object({
  /** The kind of stage: prod must pass `checkDeployable`'s strict checks. */
  stage: z.enum(STAGE_KINDS),
  region: region.default('eu-central-1'),
  /** Regions this stage may be deployed to: EU regions only (data residency). */
  allowedRegions: z.array(region.regex(/^eu-/, 'an EU region (eu-...)')).min(1).default(['eu-central-1']),
  /** The administration this deployment serves (a Landkreis, a town), as citizens and clerks read it. */
  administration: displayName,
  /** Its offices: each becomes one Cognito group named by its id; clerks and citizens see the display name. */
  offices: z
    .array(z.strictObject({ id: officeId, name: displayName }))
    .min(1)
    .superRefine((offices, ctx) => {
      const seen = new Set<string>();
      for (const [index, office] of offices.entries()) {
        if (seen.has(office.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `office ${office.id} is listed twice` });
        seen.add(office.id);
      }
    }),
  /** The forms it offers, by id; default: every form whose office it has (infra/forms.ts). */
  forms: z.array(z.string().regex(SLUG_PATTERN, 'a form id')).min(1).optional(),
  alarmEmail: z.email(),
  /** Origins of the citizens' portal and the clerks' front end allowed by CORS. */
  corsOrigins: z.array(z.url({ protocol: /^https?$/ })).min(1),
  /** prod: keep table, keys and user pool when the stack is deleted; dev: remove everything. */
  retainData: z.boolean(),
  logRetentionDays: retentionDays,
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  /** API Gateway stage throttling (requests per second, steady and burst). */
  throttle: z.object({ rateLimit: z.number().int().positive(), burstLimit: z.number().int().positive() }),
  /** WAF rate limits (per 5 minutes, WAF's window), see infra/constructs/firewall.ts. */
  waf: z.object({
    /** Every request of one client IP, preflights and allow-listed egress addresses excepted. */
    requestsPerIpPer5Min: z.number().int().min(10),
    /** POST .../submissions (and attachment tickets) of one client IP. */
    submissionsPerIpPer5Min: z.number().int().min(10),
    /** Clerk routes, per bearer token (not per IP: a district's clerks share one egress address). */
    clerkRequestsPerTokenPer5Min: z.number().int().min(10),
    /** Requests to the user pool (sign-in, token refresh) of one client IP. */
    signInsPerIpPer5Min: z.number().int().min(10),
    /** GET /status/{reference} of one client IP: guessing a status token must stay hopeless and cheap to refuse. */
    statusRequestsPerIpPer5Min: z.number().int().min(10).default(100),
    /** The district's egress addresses (CIDR): exempt from the per-IP limit, never from the others. */
    clerkEgressCidrs: z.array(z.cidrv4()).default([]),
  }),
  capacity: z.object({
    /** The peak the stage is sized for (a deadline rush: ~1,000/s for one form, ARCHITECTURE.md). */
    submissionsPerSecond: z.number().int().positive(),
    /**
     * Reserved Lambda concurrency (infra/capacity.ts): 0 (or leaving it out) reserves nothing, which
     * is where a new account with a small concurrency quota starts; `npm run preflight` compares the
     * sum with the account's quota.
     */
    reservedConcurrency: z.object({ submit: z.number().int().min(0), clerkEach: z.number().int().min(0) }).optional(),
    /** At most this many delivery workers at once (each may hold a batch of large cases in memory). */
    deliveryConcurrency: z.number().int().min(2).max(1000).default(5),
  }),
  /** AWS Backup: copy every recovery point to this vault in a separate backup account (same region). */
  backup: z.object({ copyToVaultArn: arn('backup').optional() }).default({}),
  /** Send Cognito's mails (invitation, codes) from the authority's own verified SES identity. */
  cognitoEmail: z.object({ fromEmail: z.email(), fromName: z.string().min(1), sesRegion: region.optional() }).optional(),
  /**
   * Citizens' confirmation mails (infra/constructs/mail.ts): sent through SES from `fromAddress`,
   * which must belong to `senderIdentity` (a verified domain or address of the authority); the mail's
   * status link points at `statusPageUrl` (`?reference=…#token=…`): by default the status page of
   * the portal this stack deploys (infra/constructs/portal.ts).
   */
  confirmationMail: z.object({
    senderIdentity: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$|^[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,}$/, 'a domain or an e-mail address'),
    fromAddress: z.email(),
    statusPageUrl: z.url({ protocol: /^https$/ }).optional(),
    /**
     * The most mails per second the confirmation worker may send: at most the account's SES send
     * rate (`npm run preflight` compares them). Bounds the worker's concurrency (infra/constructs/functions.ts).
     */
    sendRatePerSecond: z.number().positive().default(1),
  }),
  /** Optional custom domain for the API: an ACM certificate in the stage's region and the name. */
  customDomain: z
    .object({
      domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/),
      certificateArn: arn('acm'),
      /** The name resolves (its CNAME is published): the synthetic probe's alarm notifies only from then on. */
      dnsReady: z.boolean().default(false),
    })
    .optional(),
  /** Tags on every resource (hygiene, cost allocation); protection level after BSI IT-Grundschutz. */
  tags: z.object({
    owner: z.string().min(1),
    protectionLevel: z.enum(['normal', 'hoch', 'sehr hoch']),
    costCentre: z.string().min(1),
  }),
  /**
   * The clerk console: the prefix of the user pool's managed-login domain
   * (`<prefix>.auth.<region>.amazoncognito.com`, unique per region; default `egov-forms-<name>-clerks`).
   */
  console: z
    .object({
      cognitoDomainPrefix: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
        .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'may not contain aws, amazon or cognito')
        .optional(),
      /**
       * The console under the authority's name (CloudFront): the name and an ACM certificate in
       * us-east-1 (CloudFront takes certificates from there only), issued beforehand.
       */
      customDomain: z
        .object({
          domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/),
          certificateArn: arn('acm').regex(/^arn:aws[a-z-]*:acm:us-east-1:/, 'an ACM certificate in us-east-1 (CloudFront)'),
        })
        .optional(),
      /**
       * A WAF web ACL of scope CLOUDFRONT (it must live in us-east-1) in front of the console
       * (docs/deploy.md, "Console domain and WAF"): created once per account outside this stack.
       */
      webAclArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/, 'a WAFv2 web ACL ARN of scope CLOUDFRONT (us-east-1, global/webacl/...)')
        .optional(),
    })
    .default({}),
  /**
   * The citizens' portal (infra/constructs/portal.ts): where citizens report barriers, the feedback
   * channel its accessibility statement names (BITV 2.0 § 7).
   */
  portal: z
    .object({
      accessibilityFeedback: z.object({ email: z.email(), phone: z.string().min(3).max(40).optional() }),
      /** The portal's own name: an ACM certificate in us-east-1 (CloudFront's) and the name; TLS 1.2 or newer. */
      domain: z.object({ domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/), certificateArn: arn('acm').regex(/:us-east-1:/, 'a certificate in us-east-1 (CloudFront)') }).optional(),
    })
    .optional(),
  /** Deploy function code through CodeDeploy with a canary and alarm rollback. */
  canaryDeployments: z.boolean().default(false),
  /**
   * The tamper-evident audit trail (API.md, *Audit*; docs/operations.md, *Auditing the event
   * trail*): every `checkpointIntervalMinutes` (5 to 60, a multiple of 5; default 5) the checkpoint
   * worker seals the new events in a signed checkpoint.
   */
  audit: z
    .strictObject({ checkpointIntervalMinutes: checkpointIntervalMinutes.default(DEFAULT_CHECKPOINT_INTERVAL_MINUTES) })
    .default({ checkpointIntervalMinutes: DEFAULT_CHECKPOINT_INTERVAL_MINUTES }),
  /**
   * Delivery to back-office systems (docs/delivery.md): per office an HTTPS URL and the file of its
   * public encryption key (JWK, RSA >= 3072 bits, with `kid`; a path relative to the stage file).
   * The stack creates the office's signing secret in Secrets Manager (`egov-forms/<name>/delivery/<office>`).
   */
  destinations: z
    .record(
      officeId,
      z.strictObject({
        url: z.string().superRefine((url, ctx) => {
          const problem = urlProblem(url, { allowLoopbackHttp: false });
          if (problem) ctx.addIssue({ code: 'custom', message: `the destination URL ${problem}` });
        }),
        publicKeyFile: z.string().min(1),
      }),
    )
    .default({}),
  /**
   * Citizen sign-in with BundID (docs/deploy.md, *BundID*): BundID's identity provider as its
   * metadata names it (entity id, HTTP-POST SingleSignOnService, signing certificate files), this
   * service provider as registered in BundID's self-service portal (entity id, ACS URL, the
   * certificate file of its signing key, and the name of the Secrets Manager secret that holds
   * the key, PEM), the portal that sign-ins return to, and what BundID shows the citizen. Without
   * it the sign-in routes answer 404 and forms that need sign-in cannot be submitted.
   */
  bundid: z
    .strictObject({
      idp: z.strictObject({ entityId: z.string().min(1), ssoUrl: z.url({ protocol: /^https$/ }), certificateFiles: z.array(z.string().min(1)).min(1) }),
      sp: z.strictObject({
        entityId: z.string().min(1),
        acsUrl: z.url({ protocol: /^https$/ }),
        certificateFile: z.string().min(1),
        keySecretName: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/),
      }),
      portalUrl: z.url({ protocol: /^https$/ }),
      display: z.strictObject({ organisationName: z.string().min(1), onlineServiceId: z.string().min(1) }),
    })
    .optional(),
});

/** One administration's stage: the parsed file, its name (the file's, without `.json`) and where it was read. */
export type StageConfig = z.infer<typeof stageConfigSchema> & {
  /** The stage file's name, e.g. `kreis-bergstrasse-prod`: every unique resource name derives from it. */
  readonly name: string;
  /** The stage file it was read from (absolute), for messages that say which file to edit. */
  readonly file: string;
};

/** The ids of the stage's offices (its Cognito groups). */
export const officeIds = (config: Pick<StageConfig, 'offices'>): string[] => config.offices.map((office) => office.id);

/** The offices' display names by id, as the functions that show them learn them (`OFFICE_NAMES`). */
export const officeNamesOf = (config: Pick<StageConfig, 'offices'>): Record<string, { de: string; en: string }> =>
  Object.fromEntries(config.offices.map((office) => [office.id, office.name]));

/** Reads a CDK context value (`-c key=value` or cdk.json) as an untyped value. */
export type ContextReader = (key: string) => unknown;

function checkedName(name: string, origin: string): string {
  if (!STAGE_NAME_PATTERN.test(name) || name.length > STAGE_NAME_MAX_LENGTH) {
    throw new Error(
      `${origin}: ${JSON.stringify(name)} is no stage name: lower case letters, digits and single hyphens, ` +
        `at most ${STAGE_NAME_MAX_LENGTH} characters, e.g. kreis-bergstrasse-prod`,
    );
  }
  return name;
}

/** Which file a context names, and the stage's name: `-c stageFile=<path>` (named after the file) or `-c stage=<name>`. */
function locateStageFile(context: ContextReader): { name: string; file: string } {
  const stage = context('stage');
  const stageFile = context('stageFile');
  if (typeof stageFile === 'string' && stageFile !== '') {
    const file = isAbsolute(stageFile) ? stageFile : resolve(process.cwd(), stageFile);
    const name = typeof stage === 'string' && stage !== '' ? stage : basename(file).replace(/\.json$/, '');
    return { name: checkedName(name, typeof stage === 'string' && stage !== '' ? 'stage' : `stage file ${file}`), file };
  }
  if (typeof stage !== 'string' || stage === '') {
    throw new Error(`Missing stage: pass -c stage=<name>, one of ${stageNames().join(', ')} (the files in ${displayPath(STAGES_DIR)})`);
  }
  const name = checkedName(stage, 'stage');
  const file = resolve(STAGES_DIR, `${name}.json`);
  if (!existsSync(file)) {
    throw new Error(`Unknown stage ${name}: no file ${displayPath(file)}; one of ${stageNames().join(', ')}, or add a stage file (docs/deploy.md, "Adding an administration")`);
  }
  return { name, file };
}

function readStageFile(name: string, file: string): Record<string, unknown> {
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the settings of stage ${name} from ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new Error(`${file} must hold one JSON object`);
  return values as Record<string, unknown>;
}

/**
 * Resolves the stage configuration from its stage file and the CDK context: `stage` (the stage
 * file's name), `stageFile` (another file), and per-call overrides `region`, `alarmEmail`,
 * `corsOrigins`. Throws a readable error on anything invalid. It does not judge whether the values
 * are fit for a deployment (placeholders, regions): that is `checkDeployable`.
 */
export function loadStageConfig(context: ContextReader): StageConfig {
  const { name, file } = locateStageFile(context);
  const values = readStageFile(name, file);
  const overrides: Record<string, unknown> = {};
  const regionOverride = context('region');
  if (regionOverride !== undefined) overrides.region = String(regionOverride);
  const alarmEmail = context('alarmEmail');
  if (alarmEmail !== undefined) overrides.alarmEmail = String(alarmEmail);
  const corsOrigins = context('corsOrigins');
  if (corsOrigins !== undefined) {
    overrides.corsOrigins = Array.isArray(corsOrigins) ? corsOrigins : String(corsOrigins).split(',').map((o) => o.trim());
  }

  const parsed = stageConfigSchema.safeParse({ ...values, ...overrides });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration for stage ${name} (${file}): ${issues}`);
  }
  const offices = officeIds(parsed.data);
  for (const [office, destination] of Object.entries(parsed.data.destinations)) {
    if (!offices.includes(office)) {
      throw new Error(`Invalid configuration for stage ${name} (${file}): destinations.${office}: no such office in "offices" (${offices.join(', ')})`);
    }
    destination.publicKeyFile = resolve(dirname(file), destination.publicKeyFile);
    readDestinationKey(destination.publicKeyFile, `destinations.${office}.publicKeyFile`);
  }
  if (parsed.data.bundid) {
    const { bundid } = parsed.data;
    bundid.idp.certificateFiles = bundid.idp.certificateFiles.map((certificate) => resolve(dirname(file), certificate));
    bundid.sp.certificateFile = resolve(dirname(file), bundid.sp.certificateFile);
    signInSettingsOf(parsed.data); // an unreadable certificate stops the synth here, naming the file
  }
  return { ...parsed.data, name, file };
}

/** The BundID settings the sign-in functions read (`BUNDID`), from the stage's files; undefined without `bundid`. */
export function signInSettingsOf(config: Pick<StageConfig, 'bundid'>): SignInSettings | undefined {
  const { bundid } = config;
  if (!bundid) return undefined;
  const read = (file: string, setting: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`bundid.${setting}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  const settings = signInSettingsShape.safeParse({
    idp: { entityId: bundid.idp.entityId, ssoUrl: bundid.idp.ssoUrl, certificates: bundid.idp.certificateFiles.map((file) => read(file, 'idp.certificateFiles')) },
    sp: { entityId: bundid.sp.entityId, acsUrl: bundid.sp.acsUrl, certificate: read(bundid.sp.certificateFile, 'sp.certificateFile') },
    portalUrl: bundid.portalUrl.endsWith('/') ? bundid.portalUrl : `${bundid.portalUrl}/`,
    display: bundid.display,
  });
  if (!settings.success) throw new Error(`bundid: ${settings.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return settings.data;
}

/** Reads and checks a destination's public key file (RSA >= 3072 bits, `kid`, no private parts); throws naming the file. */
export function readDestinationKey(file: string, setting = 'publicKeyFile'): z.infer<typeof publicJwkShape> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${setting}: cannot read the key ${file}: ${(error as Error).message}`, { cause: error });
  }
  const key = publicJwkShape.safeParse(json);
  if (!key.success) throw new Error(`${setting}: ${file} is no usable public key: ${key.error.issues.map((issue) => issue.message).join('; ')}`);
  return key.data;
}

/** The domains this repository ships as placeholders (RFC 2606 second-level names and example.de). */
const PLACEHOLDER = /(?<![a-z0-9])example\.(de|com|org|net)(?![a-z0-9.])|:111111111111:/i;

/** Every string value of the configuration whose text is a shipped placeholder, by its path. */
export function placeholdersIn(config: StageConfig): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (PLACEHOLDER.test(value)) found.push(`${path} = ${JSON.stringify(value)}`);
    } else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(config, '');
  return found;
}

/**
 * What `cdk synth`/`deploy` (infra/app.ts) demands beyond a valid file: the region is one of the
 * stage's allowed EU regions, and prod carries no placeholder, serves only HTTPS origins and copies
 * its backups to a backup account. Operators' tools that only read offices (clerk, forms-check)
 * do not call it.
 */
export function checkDeployable(config: StageConfig): StageConfig {
  const problems: string[] = [];
  if (!config.allowedRegions.includes(config.region)) {
    problems.push(`region ${config.region} is not one of the stage's allowedRegions (${config.allowedRegions.join(', ')})`);
  }
  const cognitoDomain = config.cognitoEmail?.fromEmail.split('@')[1];
  if (cognitoDomain !== undefined && cognitoDomain === config.confirmationMail.senderIdentity) {
    // Cognito needs its identity verified before the stack exists; the stack creates the confirmations' identity.
    problems.push(
      `cognitoEmail.fromEmail: its domain ${cognitoDomain} is also confirmationMail.senderIdentity, which the stack creates; verify Cognito's domain yourself and give the confirmation mails a sub-domain of their own (docs/deploy.md, "Go-live checklist")`,
    );
  }
  if (config.stage === 'prod') {
    for (const placeholder of placeholdersIn(config)) problems.push(`placeholder ${placeholder}: replace it with the authority's real value`);
    for (const origin of config.corsOrigins) if (!origin.startsWith('https://')) problems.push(`corsOrigins: ${origin} is not HTTPS`);
    if (!config.backup.copyToVaultArn) problems.push('backup.copyToVaultArn: prod copies its backups to a vault in a backup account; name it');
    if (!config.cognitoEmail) problems.push("cognitoEmail: prod sends clerks' mails from the authority's own SES identity; configure it");
  }
  if (problems.length > 0) {
    throw new Error(
      `Stage ${config.name} is not ready to deploy:\n  - ${problems.join('\n  - ')}\n` +
        `Edit ${displayPath(config.file)}; docs/deploy.md explains every setting.`,
    );
  }
  return config;
}
