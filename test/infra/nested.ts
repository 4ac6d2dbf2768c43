import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestedStack, Stage, type Stack } from 'aws-cdk-lib';

type CfnTemplate = {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
  [key: string]: unknown;
};

/** One CloudFormation stack of a synthesized stage: the stage's own stack or one of its nested stacks. */
export interface StackTemplate {
  readonly stack: Stack;
  readonly template: CfnTemplate;
}

/**
 * The templates of a built stack and of every stack nested in it (infra/constructs/monitoring.ts),
 * as `cdk deploy` uploads them: one synth of the stack's app (CDK's cached one if there was one).
 */
export function stackTemplates(stack: Stack): StackTemplate[] {
  const assembly = Stage.of(stack)!.synth();
  const read = (of: Stack) => JSON.parse(readFileSync(join(assembly.directory, of.templateFile), 'utf8')) as CfnTemplate;
  const nested = stack.node.findAll().filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct));
  return [stack, ...nested].map((of) => ({ stack: of, template: read(of) }));
}

/** Replaces every `{ Ref: name }` of `values` and every `{ Fn::GetAtt: [resource, 'Outputs.x'] }` of `outputs` in `node`. */
function substitute(node: unknown, values: Record<string, unknown>, outputs: Record<string, Record<string, unknown>>): unknown {
  if (Array.isArray(node)) return node.map((item) => substitute(item, values, outputs));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  if (entries.length === 1) {
    const [[key, value]] = entries as [[string, unknown]];
    if (key === 'Ref' && typeof value === 'string' && value in values) return values[value];
    if (key === 'Fn::GetAtt' && Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && value[1].startsWith('Outputs.')) {
      const output = outputs[value[0]]?.[value[1].slice('Outputs.'.length)];
      if (output !== undefined) return output;
    }
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, substitute(value, values, outputs)]));
}

/**
 * The stage as one template, as the infrastructure tests read it: the resources of every nested
 * stack join the stack's own, with each nested parameter replaced by the value the parent passes
 * (so an alarm's dimension reads `{ Ref: <function> }`, as if in one stack) and each use of a
 * nested output by the output's value. The nested stacks' own resources (AWS::CloudFormation::Stack)
 * stay in it. Logical ids are those `stack.getLogicalId` gives (each relative to its own stack); a
 * clash between two stacks throws.
 */
export function flattenedTemplate(stack: Stack): Record<string, unknown> {
  const templates = stackTemplates(stack);
  const flatten = (of: StackTemplate): CfnTemplate => {
    const children = templates.filter(({ stack: child }) => (child as NestedStack).nestedStackParent === of.stack) as (StackTemplate & { stack: NestedStack })[];
    const outputs: Record<string, Record<string, unknown>> = {};
    const merged: CfnTemplate['Resources'] = {};
    const own = { ...of.template.Resources };
    for (const child of children) {
      const resourceId = of.stack.getLogicalId(child.stack.nestedStackResource!);
      const passed = (own[resourceId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
      const flat = flatten(child);
      const values = Object.fromEntries(Object.keys(flat.Parameters ?? {}).filter((name) => name in passed).map((name) => [name, passed[name]]));
      const resolved = substitute(flat, values, {}) as CfnTemplate;
      outputs[resourceId] = Object.fromEntries(Object.entries(resolved.Outputs ?? {}).map(([name, output]) => [name, output.Value]));
      for (const [id, resource] of Object.entries(resolved.Resources ?? {})) {
        // CDK's metadata resource (`cdk synth` adds one to every stack): the parent's stands for all.
        if (resource.Type === 'AWS::CDK::Metadata') continue;
        if (id in own || id in merged) throw new Error(`${id} is in ${of.stack.node.path} and in its nested ${child.stack.node.path}`);
        merged[id] = resource;
      }
    }
    return { ...of.template, Resources: { ...(substitute(own, {}, outputs) as CfnTemplate['Resources']), ...merged } };
  };
  return flatten(templates[0]!);
}
