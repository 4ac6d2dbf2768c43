import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stageNames } from '../../infra/config.ts';
import { buildStage, synthStage } from './synth.ts';

/**
 * CloudFormation's default rules (CDK's built-in CloudFormation Validate plugin: resource schemas,
 * linting; cdk.json's `@aws-cdk/core:validateAgainstDefaultRules` makes a finding fail the synth).
 * `cdk synth`, `cdk deploy` and `npm run synth` run them on every synth; the other infra files
 * synthesize without them (test/infra/synth.ts says why), so this file holds every stage file that
 * deploys to them, each as `npm run synth` synthesizes it (a prod file with its fixture's values).
 */
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

const synthContext = (stage: string): Record<string, unknown> => {
  const fixture = join(FIXTURES, `${stage}.json`);
  return { stage, ...(existsSync(fixture) ? { stageFile: fixture } : {}) };
};

describe("CloudFormation's default rules", () => {
  it.each(stageNames())('pass for %s, as cdk synth and cdk deploy check it', (stage) => {
    // A finding throws here, naming the rule and the construct.
    const { template, stackName } = synthStage('dev', { validate: true, context: synthContext(stage) });
    expect(stackName).toContain(stage);
    expect(Object.keys(template.toJSON().Resources as object).length).toBeGreaterThan(0);
  });

  it('run in these synths: a resource CloudFormation would refuse fails them', () => {
    const invalid = (validate: boolean): (() => Template) => {
      const stack = buildStage('dev', { validate });
      new CfnResource(stack, 'RefusedQueue', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeout: 999_999 } });
      return () => Template.fromStack(stack);
    };
    expect(invalid(true)).toThrow(/VisibilityTimeout: 999999 is greater than the maximum of 43200 \(CloudFormation Validate\)/);
    // The same tree without the rules synthesizes: it is the rules that refuse it.
    expect(invalid(false)).not.toThrow();
  });
});
