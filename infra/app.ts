import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { type StageConfig, checkDeployable, loadStageConfig } from './config.ts';
import { checkFormDefinitions } from './forms.ts';
import { FormsStack, stackName } from './stack.ts';

/**
 * CDK entry (cdk.json): `npx cdk synth|deploy|destroy -c stage=<name>` (a file of infra/stages/). Needs no AWS credentials
 * to synthesize; the account stays unresolved unless the CLI knows it.
 */
const app = new App();
// A stage that is not fit to deploy (placeholders, a region outside its EU allow-list) stops here,
// with the message alone: the operator needs the list of settings, not a stack trace.
let config: StageConfig;
try {
  config = checkDeployable(loadStageConfig((key) => app.node.tryGetContext(key)));
  // A malformed form definition, or a form the stage file offers without having its office, stops
  // here too, naming the file to edit (infra/forms.ts).
  checkFormDefinitions(config);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

new FormsStack(app, stackName(config.name), {
  config,
  description: `egov-forms backend (${config.name}): online forms, encrypted cases, clerk case work`,
  // The region comes from the stage configuration, never from the operator's default profile:
  // citizens' data stays where the configuration says.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
  terminationProtection: config.retainData,
});

// AWS Solutions checks run at synth: an unacknowledged error fails it. Acknowledgements sit next
// to the constructs they concern, each with its reason.
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app));
