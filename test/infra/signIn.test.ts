import { beforeAll, describe, expect, it } from '@jest/globals';
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { routes } from '../../functions/functions.ts';
import { statementsOfRole, synthStage, type Synthesized } from './synth.ts';

/**
 * BundID in the synthesized stack (the prod fixture registers a service provider): the SP's
 * signing key is read by the login function alone, the settings reach exactly the functions that
 * need them, and no key passes through the template.
 */
let prod: Synthesized;
const KEY_SECRET = 'egov-forms/prod/bundid/sp-key';

beforeAll(() => {
  prod = synthStage('prod');
});

const logicalId = (construct: Construct): string => Stack.of(construct).getLogicalId(construct.node.defaultChild as never);

describe('BundID sign-in in the stack', () => {
  it("lets only the login function read the SP's signing key", () => {
    const readers = prod.stack.functions.all
      .filter(({ role }) =>
        statementsOfRole(prod.template, logicalId(role)).some(
          (statement) => statement.Action.includes('secretsmanager:GetSecretValue') && JSON.stringify(statement.Resource).includes(KEY_SECRET),
        ),
      )
      .map(({ name }) => name);
    expect(readers).toEqual(['bundidLogin']);
  });

  it('ships the settings to the sign-in functions (BUNDID names the file), and to no other', () => {
    for (const deployed of prod.stack.functions.all) {
      const resolved = prod.template.toJSON().Resources[logicalId(deployed.fn)] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
      const expected = routes.find((route) => route.handler === deployed.name)?.needs.bundid ? '/var/task/bundid.json' : undefined;
      expect({ fn: deployed.name, settings: resolved.Properties.Environment.Variables.BUNDID }).toEqual({ fn: deployed.name, settings: expected });
    }
  });

  it('holds no private key anywhere in the template', () => {
    expect(JSON.stringify(prod.template.toJSON())).not.toMatch(/PRIVATE KEY/);
  });
});
