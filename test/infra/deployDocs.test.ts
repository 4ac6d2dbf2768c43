// docs/deploy.md's table of stack outputs tells the truth: every output the stack has is in it, and
// everything in it is an output of a stage (a name with a <placeholder> depends on configuration
// the stages here do not have: test/infra/delivery.test.ts synthesizes one with a destination).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { documentedOutputs, outputsOf, undocumentedOutputs } from './documentedOutputs.ts';
import { synthStage, synthTown, type Synthesized } from './synth.ts';

let dev: Synthesized;
let prod: Synthesized;
/** The town's prod: a console under its own domain (ConsoleDomainTarget), nothing reserved. */
let town: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
  town = synthTown();
});

describe('docs/deploy.md, "Stack outputs"', () => {
  it('is a table of outputs', () => {
    expect(documentedOutputs().map(({ name }) => name)).toEqual(expect.arrayContaining(['ApiUrl', 'ConsoleUrl']));
  });

  it.each(['dev', 'prod', 'town'] as const)('names every output of %s', (stage) => {
    expect(undocumentedOutputs({ dev, prod, town }[stage])).toEqual([]);
  });

  it('names no output that no stage has', () => {
    const synthesized = new Set([...outputsOf(dev), ...outputsOf(prod), ...outputsOf(town)]);
    const missing = documentedOutputs().filter(({ name, pattern }) => !name.includes('<') && ![...synthesized].some((output) => pattern.test(output)));
    expect(missing.map(({ name }) => name)).toEqual([]);
  });
});
