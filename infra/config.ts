import { z } from 'zod';

/**
 * Stage configuration: one typed object per stage, selected with `-c stage=dev|prod` and parsed
 * with zod so that a typo fails the synth instead of deploying something half-configured.
 * Change the values below (or pass `-c alarmEmail=...`) to adapt a stage; docs/deploy.md explains.
 */

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** The offices of the district administration; each becomes one Cognito group of the same name. */
export const OFFICES = ['ordnungsamt', 'schulamt', 'wohngeldstelle', 'jugendamt'] as const;

const retentionDays = z.union([z.literal(7), z.literal(14), z.literal(30), z.literal(90), z.literal(180), z.literal(365)]);

const stageConfigSchema = z.object({
  stage: z.enum(STAGE_NAMES),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).default('eu-central-1'),
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
  /** WAF rate-based rule: requests per client IP per 5 minutes before the IP is blocked. */
  wafRequestsPerIpPer5Min: z.number().int().min(10),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;
type StageConfigInput = z.input<typeof stageConfigSchema>;

/** The per-stage values. Placeholders (example.de) are to be replaced by the operator. */
export const stages: Record<StageName, StageConfigInput> = {
  dev: {
    stage: 'dev',
    offices: [...OFFICES],
    alarmEmail: 'it-betrieb-dev@example.de',
    corsOrigins: ['https://formulare-dev.example.de', 'http://localhost:5173'],
    retainData: false,
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    throttle: { rateLimit: 50, burstLimit: 100 },
    wafRequestsPerIpPer5Min: 1000,
  },
  prod: {
    stage: 'prod',
    offices: [...OFFICES],
    alarmEmail: 'it-betrieb@example.de',
    corsOrigins: ['https://formulare.example.de'],
    retainData: true,
    logRetentionDays: 90,
    logLevel: 'INFO',
    // A deadline rush is ~1000 submissions/s for one form (ARCHITECTURE.md, partition heat).
    throttle: { rateLimit: 1000, burstLimit: 2000 },
    wafRequestsPerIpPer5Min: 500,
  },
};

/** Reads a CDK context value (`-c key=value` or cdk.json) as an untyped value. */
export type ContextReader = (key: string) => unknown;

/**
 * Resolves the stage configuration from the CDK context: `stage` (required), and optional
 * overrides `region` and `alarmEmail`. Throws a readable error on anything invalid.
 */
export function loadStageConfig(context: ContextReader): StageConfig {
  const stage = z.enum(STAGE_NAMES).safeParse(context('stage'));
  if (!stage.success) {
    throw new Error(`Unknown or missing stage ${JSON.stringify(context('stage'))}: pass -c stage=${STAGE_NAMES.join('|')}`);
  }
  const overrides: Partial<StageConfigInput> = {};
  const region = context('region');
  if (region !== undefined) overrides.region = String(region);
  const alarmEmail = context('alarmEmail');
  if (alarmEmail !== undefined) overrides.alarmEmail = String(alarmEmail);

  const parsed = stageConfigSchema.safeParse({ ...stages[stage.data], ...overrides });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration for stage ${stage.data}: ${issues}`);
  }
  return parsed.data;
}
