import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { urlProblem } from '../functions/lib/delivery/addresses.ts';
import { publicJwkShape } from '../functions/lib/delivery/jwe.ts';
import { signInSettingsShape, type SignInSettings } from '../functions/lib/bundid/settings.ts';

/**
 * Stage configuration: one committed JSON file per stage, `infra/stages/<stage>.json`, selected
 * with `-c stage=dev|prod` and parsed with zod so that a typo fails the synth instead of deploying
 * something half-configured. That file is the one place an operator changes a stage; a deployment
 * repository of its own may point at another file with `-c stageFile=<path>`. A few values may also
 * be given per call (`-c region=`, `-c alarmEmail=`, `-c corsOrigins=a,b`), which never persists:
 * write lasting values into the file. docs/deploy.md explains each setting.
 */

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** The offices of the district administration; each becomes one Cognito group of the same name. */
export const OFFICES = ['ordnungsamt', 'schulamt', 'wohngeldstelle', 'jugendamt'] as const;

/** Where the committed stage files live. */
export const STAGES_DIR = fileURLToPath(new URL('./stages/', import.meta.url));

const retentionDays = z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(180), z.literal(365)]);
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);
const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:.+$`), `an ${service} ARN`);

const stageConfigSchema = z.object({
  stage: z.enum(STAGE_NAMES),
  region: region.default('eu-central-1'),
  /** Regions this stage may be deployed to: EU regions only (data residency). */
  allowedRegions: z.array(region.regex(/^eu-/, 'an EU region (eu-...)')).min(1).default(['eu-central-1']),
  offices: z.array(z.enum(OFFICES)).min(1),
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
    /** Reserved Lambda concurrency; leave out where the account's concurrency quota is small (new accounts). */
    reservedConcurrency: z.object({ submit: z.number().int().positive(), clerkEach: z.number().int().positive() }).optional(),
  }),
  /** AWS Backup: copy every recovery point to this vault in a separate backup account (same region). */
  backup: z.object({ copyToVaultArn: arn('backup').optional() }).default({}),
  /** Send Cognito's mails (invitation, codes) from the authority's own verified SES identity. */
  cognitoEmail: z.object({ fromEmail: z.email(), fromName: z.string().min(1), sesRegion: region.optional() }).optional(),
  /**
   * Citizens' confirmation mails (infra/constructs/mail.ts): sent through SES from `fromAddress`,
   * which must belong to `senderIdentity` (a verified domain or address of the authority); the mail's
   * status link points at the portal's status page `statusPageUrl` (`?reference=…#token=…`).
   */
  confirmationMail: z.object({
    senderIdentity: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$|^[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,}$/, 'a domain or an e-mail address'),
    fromAddress: z.email(),
    statusPageUrl: z.url({ protocol: /^https$/ }),
  }),
  /** Optional custom domain for the API: an ACM certificate in the stage's region and the name. */
  customDomain: z.object({ domainName: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/), certificateArn: arn('acm') }).optional(),
  /** Tags on every resource (hygiene, cost allocation); protection level after BSI IT-Grundschutz. */
  tags: z.object({
    owner: z.string().min(1),
    protectionLevel: z.enum(['normal', 'hoch', 'sehr hoch']),
    costCentre: z.string().min(1),
  }),
  /**
   * The clerk console: the prefix of the user pool's managed-login domain
   * (`<prefix>.auth.<region>.amazoncognito.com`, unique per region; default `egov-forms-<stage>-clerks`).
   */
  console: z
    .object({
      cognitoDomainPrefix: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
        .refine((prefix) => !/aws|amazon|cognito/.test(prefix), 'may not contain aws, amazon or cognito')
        .optional(),
    })
    .default({}),
  /** Deploy function code through CodeDeploy with a canary and alarm rollback. */
  canaryDeployments: z.boolean().default(false),
  /**
   * Delivery to back-office systems (docs/delivery.md): per office an HTTPS URL and the file of its
   * public encryption key (JWK, RSA >= 3072 bits, with `kid`; a path relative to the stage file).
   * The stack creates the office's signing secret in Secrets Manager (`egov-forms/<stage>/delivery/<office>`).
   */
  destinations: z
    .partialRecord(
      z.enum(OFFICES),
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

export type StageConfig = z.infer<typeof stageConfigSchema>;

/** Reads a CDK context value (`-c key=value` or cdk.json) as an untyped value. */
export type ContextReader = (key: string) => unknown;

function readStageFile(stage: StageName, stageFile: unknown): { file: string; values: Record<string, unknown> } {
  const file =
    typeof stageFile === 'string' && stageFile !== ''
      ? isAbsolute(stageFile)
        ? stageFile
        : resolve(process.cwd(), stageFile)
      : resolve(STAGES_DIR, `${stage}.json`);
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the settings of stage ${stage} from ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new Error(`${file} must hold one JSON object`);
  return { file, values: values as Record<string, unknown> };
}

/**
 * Resolves the stage configuration from its stage file and the CDK context: `stage` (required),
 * `stageFile` (another file), and per-call overrides `region`, `alarmEmail`, `corsOrigins`.
 * Throws a readable error on anything invalid. It does not judge whether the values are fit for a
 * deployment (placeholders, regions): that is `checkDeployable`.
 */
export function loadStageConfig(context: ContextReader): StageConfig {
  const stage = z.enum(STAGE_NAMES).safeParse(context('stage'));
  if (!stage.success) {
    throw new Error(`Unknown or missing stage ${JSON.stringify(context('stage'))}: pass -c stage=${STAGE_NAMES.join('|')}`);
  }
  const { file, values } = readStageFile(stage.data, context('stageFile'));
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
    throw new Error(`Invalid configuration for stage ${stage.data} (${file}): ${issues}`);
  }
  if (parsed.data.stage !== stage.data) throw new Error(`${file} configures stage ${parsed.data.stage}, not ${stage.data}`);
  for (const [office, destination] of Object.entries(parsed.data.destinations)) {
    destination.publicKeyFile = resolve(dirname(file), destination.publicKeyFile);
    readDestinationKey(destination.publicKeyFile, `destinations.${office}.publicKeyFile`);
  }
  if (parsed.data.bundid) {
    const { bundid } = parsed.data;
    bundid.idp.certificateFiles = bundid.idp.certificateFiles.map((certificate) => resolve(dirname(file), certificate));
    bundid.sp.certificateFile = resolve(dirname(file), bundid.sp.certificateFile);
    signInSettingsOf(parsed.data); // an unreadable certificate stops the synth here, naming the file
  }
  return parsed.data;
}

/** The BundID settings the sign-in functions read (`BUNDID`), from the stage's files; undefined without `bundid`. */
export function signInSettingsOf(config: StageConfig): SignInSettings | undefined {
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
  if (config.stage === 'prod') {
    for (const placeholder of placeholdersIn(config)) problems.push(`placeholder ${placeholder}: replace it with the authority's real value`);
    for (const origin of config.corsOrigins) if (!origin.startsWith('https://')) problems.push(`corsOrigins: ${origin} is not HTTPS`);
    if (!config.backup.copyToVaultArn) problems.push('backup.copyToVaultArn: prod copies its backups to a vault in a backup account; name it');
    if (!config.cognitoEmail) problems.push("cognitoEmail: prod sends clerks' mails from the authority's own SES identity; configure it");
  }
  if (problems.length > 0) {
    throw new Error(
      `Stage ${config.stage} is not ready to deploy:\n  - ${problems.join('\n  - ')}\n` +
        `Edit infra/stages/${config.stage}.json (or the file given with -c stageFile=); docs/deploy.md explains every setting.`,
    );
  }
  return config;
}
