import { Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { reservedConcurrencyOf } from '../capacity.ts';
import type { StageConfig } from '../config.ts';
import type { DeployedFunction } from './functions.ts';

export interface ReleasesProps {
  readonly config: StageConfig;
  readonly functions: readonly DeployedFunction[];
}

/** The alias API Gateway invokes; CodeDeploy shifts it from one version to the next. */
export const LIVE_ALIAS = 'live';

/**
 * How new code reaches the callers, and how much of the account's concurrency each function may
 * take:
 * - every function gets a `live` alias on its current version, which API Gateway invokes;
 * - with `canaryDeployments` (prod), each alias moves through CodeDeploy: 10 % of the traffic for
 *   5 minutes, then all of it, rolled back automatically when one of the given alarms fires;
 * - with `capacity.reservedConcurrency`, the submit function is capped (a public flood cannot take
 *   the whole account) and every clerk function has its own reserved share (it cannot be starved).
 *   The other public functions share the unreserved rest. 0 reserves nothing (infra/capacity.ts).
 */
export class Releases extends Construct {
  private readonly aliases = new Map<string, lambda.Alias>();
  private readonly application?: codedeploy.LambdaApplication;
  /** One service role for every deployment group (a role each would cost 30 of the stack's 500 resources). */
  private readonly deployRole?: iam.Role;

  constructor(scope: Construct, id: string, props: ReleasesProps) {
    super(scope, id);
    for (const deployed of props.functions) {
      const { name, fn } = deployed;
      const alias = new lambda.Alias(this, `${name}Live`, { aliasName: LIVE_ALIAS, version: fn.currentVersion });
      this.aliases.set(name, alias);
      const concurrency = reservedConcurrencyOf(props.config, deployed);
      if (concurrency !== undefined) (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = concurrency;
    }
    if (props.config.canaryDeployments) {
      this.application = new codedeploy.LambdaApplication(this, 'Application', {
        applicationName: `egov-forms-${props.config.name}`,
      });
      this.deployRole = new iam.Role(this, 'DeployRole', {
        assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited')],
      });
      Validations.of(this.deployRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason:
          'CodeDeploy assumes this role to shift the live alias of a function between versions during a canary ' +
          'rollout; AWS maintains this limited managed policy for exactly that (alias updates, the alarms it reads).',
      });
    }
  }

  /** The alias of a function: what API Gateway and the alarms of a rollout look at. */
  aliasOf(fn: DeployedFunction): lambda.Alias {
    const alias = this.aliases.get(fn.name);
    if (!alias) throw new Error(`No alias for ${fn.name}`);
    return alias;
  }

  /** Puts every alias under a canary deployment group that rolls back on its function's alarms. */
  rollOutWithCanary(alarmsOf: (handler: string) => readonly cloudwatch.IAlarm[]): void {
    if (!this.application) return;
    for (const [handler, alias] of this.aliases) {
      new codedeploy.LambdaDeploymentGroup(this, `${handler}Deployment`, {
        application: this.application,
        alias,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        alarms: [...alarmsOf(handler)],
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
        ...(this.deployRole ? { role: this.deployRole } : {}),
      });
    }
  }
}
