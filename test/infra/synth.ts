import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from '@jest/globals';
import { App, Stage } from 'aws-cdk-lib';
import type { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { checkDeployable, defaultStageName, loadStageConfig, type StageKind } from '../../infra/config.ts';
import { FormsStack, stackName } from '../../infra/stack.ts';
import type { FunctionTable } from '../../functions/functions.ts';
import { sharedTemplate } from './templateCache.ts';
import { flattenedTemplate } from './nested.ts';

/** The feature flags of cdk.json, so that the tests synthesize what `cdk synth` does. */
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

// Each synth writes its cloud assembly to a temp dir of its own, removed when the test file ends
// (an App without `outdir` would leave a `cdk.out*` dir behind in the system's temp dir).
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface Synthesized {
  readonly stack: FormsStack;
  readonly template: Template;
  /**
   * The CloudFormation stack's name, known without building the construct tree (a file that needs
   * only names and the template never pays for `stack`); templateCache.test.ts holds it to the
   * built stack's own.
   */
  readonly stackName: string;
  /**
   * What the synth that made `template` reported (CDK's errors, warnings and infos: what
   * `Annotations.fromStack` reads), kept with the shared template, so a file that checks them
   * needs no synth of its own.
   */
  readonly messages: readonly SynthesisMessage[];
}

/**
 * What a built stack's synth reported (its last synth, not forced again): level, construct path,
 * type and text of each message, without the stack trace of the call that added it (which differs
 * by caller, not by stack).
 */
export function messagesOf(stack: FormsStack): SynthesisMessage[] {
  const messages = Stage.of(stack)!.synth().getStackArtifact(stack.artifactId).messages;
  return messages.map(({ level, id, entry }) => ({ level, id, entry: JSON.parse(JSON.stringify({ type: entry.type, data: entry.data })) as SynthesisMessage['entry'] }));
}

/**
 * The template and the messages of a built stack's synth: the stack's template with its nested
 * stacks' resources merged in (nested.ts), so that the alarms read as if in one stack.
 */
function synthesized(stack: FormsStack): { template: Record<string, unknown>; messages: SynthesisMessage[] } {
  const template = flattenedTemplate(stack);
  return { template, messages: messagesOf(stack) };
}

/**
 * The Landkreis's prod as an operator would configure it (no placeholders, a backup account, a
 * custom domain): the committed infra/stages/kreis-bergstrasse-prod.json ships placeholders, which
 * a deployable synth refuses. `npm run synth` uses it too (infra/scripts/synth.ts).
 */
export const PROD_FIXTURE = fileURLToPath(new URL('./fixtures/kreis-bergstrasse-prod.json', import.meta.url));

/**
 * A second administration's prod (Stadt Bensheim), named after its file as it deploys: a new
 * account (nothing reserved), a console domain and a WAF, the API's DNS ready.
 */
export const TOWN_FIXTURE = fileURLToPath(new URL('./fixtures/stadt-bensheim-prod.json', import.meta.url));

/** The town's prod (TOWN_FIXTURE), one synth shared by every file that asks for it. */
export const synthTown = (): Synthesized => synthStage('prod', { context: { stage: 'stadt-bensheim-prod', stageFile: TOWN_FIXTURE } });

/**
 * How a test synthesizes. Bundling (esbuild) is skipped unless asked for: it takes seconds per
 * function and only one test is about it. `context` adds or overrides CDK context values; tests may
 * hand in their own function table.
 *
 * `validate` runs CloudFormation's default rules (CDK's built-in CloudFormation Validate plugin; with
 * cdk.json's `@aws-cdk/core:validateAgainstDefaultRules` a finding fails the synth), as `cdk synth`,
 * `cdk deploy` and `npm run synth` always do. It is off unless asked for: its engine (WebAssembly and
 * the resource schemas) costs ~7 CPU-s to start in every jest file (each has its own module
 * registry), and the templates the other files read are the same with it or without it.
 * test/infra/validation.test.ts synthesizes every stage file with it on.
 */
export interface SynthOptions {
  readonly bundling?: boolean;
  readonly context?: Record<string, unknown>;
  readonly functionTable?: FunctionTable;
  readonly validate?: boolean;
}

/** The CDK context of a synth of `stage` (see synthStage). */
function contextOf(stage: StageKind, options: SynthOptions): Record<string, unknown> {
  return {
    ...cdkJson.context,
    stage: stage === 'prod' ? 'kreis-bergstrasse-prod' : defaultStageName(),
    ...(stage === 'prod' ? { stageFile: PROD_FIXTURE } : {}),
    ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    ...options.context,
  };
}

/**
 * The construct tree of one stage as infra/app.ts builds it, not yet synthesized: a test may add to
 * it before it synthesizes (Template.fromStack).
 */
export function buildStage(stage: StageKind, options: SynthOptions = {}): FormsStack {
  const outdir = mkdtempSync(join(tmpdir(), 'egov-cdk-out-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: contextOf(stage, options), builtinCloudFormationValidation: options.validate === true });
  const config = checkDeployable(loadStageConfig((key) => app.node.tryGetContext(key)));
  return new FormsStack(app, stackName(config.name), {
    config,
    env: { region: config.region },
    ...(options.functionTable ? { functionTable: options.functionTable } : {}),
  });
}

/**
 * Synthesizes one stage as infra/app.ts does. `dev` is the default stage file (cdk.json: the
 * Landkreis's dev), `prod` the Landkreis's prod with PROD_FIXTURE's values, unless the context names
 * another stage or stage file (SynthOptions).
 *
 * The template of an unbundled, unvalidated synth is shared by every infra file of one jest run (see
 * templateCache.ts): the first file to ask for a stage synthesizes it, the others read its template,
 * and build the construct tree (`stack`) only when they use it, never synthesizing it again. A synth
 * with bundling, validation or a function table of its own is never shared.
 */
export function synthStage(stage: StageKind, options: SynthOptions = {}): Synthesized {
  const context = contextOf(stage, options);
  const build = (): FormsStack => buildStage(stage, options);
  if (options.bundling || options.functionTable || options.validate) {
    const stack = build();
    const { template, messages } = synthesized(stack);
    return { stack, template: Template.fromJSON(template), stackName: stack.stackName, messages };
  }
  // The key: every context value and the stage as loaded (its file and the files it names).
  const config = checkDeployable(loadStageConfig((key) => (context as Record<string, unknown>)[key]));
  let stack: FormsStack | undefined;
  const shared = sharedTemplate({ context, config }, () => {
    stack = build();
    return synthesized(stack);
  }) as ReturnType<typeof synthesized>;
  return {
    get stack() {
      stack ??= build();
      return stack;
    },
    template: Template.fromJSON(shared.template),
    stackName: stackName(config.name),
    messages: shared.messages,
  };
}

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** One IAM statement, actions normalised to an array. */
export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function normalise(raw: Record<string, unknown>): Statement {
  return {
    Effect: raw.Effect as 'Allow' | 'Deny',
    Action: asArray(raw.Action as string | string[]),
    Resource: raw.Resource,
    ...(raw.Condition ? { Condition: raw.Condition as Statement['Condition'] } : {}),
  };
}

/** Every identity-policy statement that applies to a role: inline policies and attached AWS::IAM::Policy resources. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const role = resources[roleLogicalId];
  if (!role || role.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not a role`);
  if (asArray(role.Properties.ManagedPolicyArns).length > 0) throw new Error(`${roleLogicalId} has managed policies`);
  const documents: { Statement: Record<string, unknown>[] }[] = [
    ...asArray(role.Properties.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[]).map((p) => p.PolicyDocument),
    ...Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .filter((r) => JSON.stringify(r.Properties.Roles ?? []).includes(`"${roleLogicalId}"`))
      .map((r) => r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }),
  ];
  return documents.flatMap((document) => document.Statement.map(normalise));
}

/** Every statement of every identity policy in the template. */
export function allIdentityStatements(template: Template): Statement[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return Object.values(resources).flatMap((r) => {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      return (r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.map(normalise);
    }
    if (r.Type === 'AWS::IAM::Role') {
      return asArray(r.Properties.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[]).flatMap((p) =>
        p.PolicyDocument.Statement.map(normalise),
      );
    }
    return [];
  });
}

/** IAM action matching, wildcards included: does `pattern` (as written in a policy) allow `action`? */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

/** Does a statement's Resource refer to the given logical id (directly, in a join, or as `*`)? */
export function resourceRefersTo(statement: Statement, logicalId: string): boolean {
  return asArray(statement.Resource).some((resource) => resource === '*' || JSON.stringify(resource).includes(`"${logicalId}"`));
}
