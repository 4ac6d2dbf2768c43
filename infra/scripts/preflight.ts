import { parseArgs } from 'node:util';
import { checkDeployable, loadStageConfig, stageNames } from '../config.ts';
import { preflightAws, sdkClients } from '../preflight/aws.ts';
import { formatResults, preflight } from '../preflight/checks.ts';

// `npm run preflight -- --stage <name>`: read-only checks of the target account before `cdk deploy`
// (infra/preflight/checks.ts; docs/deploy.md, "Go-live checklist").
const USAGE = `usage: npm run preflight -- --stage <name> [--stage-file <path>] [--existing-stack]

<name> is a stage file of infra/stages/ (${stageNames().join(', ')}).

Checks, with read-only AWS calls and the credentials of the target account (AWS_PROFILE), what a
deploy of the stage needs: the Lambda concurrency quota for the stage's reserved concurrency, the SES
identities (the confirmation mails' one is created by the stack and must not exist yet; Cognito's
must be verified already), SES production access and send rate, the ACM certificates of the custom
domains (issued, naming the domain), and that the Cognito domain prefix is free.
--existing-stack: the stage is deployed already (an update): its own identity, prefix and
reservations are expected to exist. Exits 1 when a check fails.`;

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      stage: { type: 'string' },
      'stage-file': { type: 'string' },
      'existing-stack': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!parsed.values.stage && !parsed.values['stage-file']) {
  console.error(`--stage (or --stage-file) is required\n${USAGE}`);
  process.exit(2);
}
const context: Record<string, unknown> = { stage: parsed.values.stage, stageFile: parsed.values['stage-file'] };
let config;
try {
  config = checkDeployable(loadStageConfig((key) => context[key]));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
console.log(`Pre-flight of stage ${config.name} in ${config.region}${parsed.values['existing-stack'] ? ' (existing stack)' : ' (first deploy)'}:\n`);
const results = await preflight(config, preflightAws(sdkClients(config.region)), { existingStack: parsed.values['existing-stack'] });
console.log(formatResults(results));
process.exit(results.some(({ verdict }) => verdict === 'fail') ? 1 : 0);
