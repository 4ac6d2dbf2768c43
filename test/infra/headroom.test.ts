// Room in a prod stage for a real administration's offices (docs/deploy.md, "How many offices fit"):
// CloudFormation takes at most 500 resources per stack and 200 parameters and 200 outputs per
// template, and CDK refuses to synthesize a stack above 500 resources.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ANALYTICS_REPORTING_ENABLED_CONTEXT } from 'aws-cdk-lib/cx-api';
import { exportJWK, generateKeyPair } from 'jose';
import { stackTemplates, type StackTemplate } from './nested.ts';
import { PROD_FIXTURE, synthStage, type Synthesized } from './synth.ts';

/** What docs/deploy.md promises a Landkreis's prod: this many offices, this many of them with a delivery destination. */
const PROMISED_OFFICES = 40;
const PROMISED_DESTINATIONS = 25;
const LIMITS = { resources: 500, parameters: 200, outputs: 200 };

let dir: string;
let large: Synthesized;
let stacks: StackTemplate[];
beforeAll(async () => {
  // The Landkreis's prod fixture, grown to the promised offices and destinations (the file keeps its
  // name: the stage is still kreis-bergstrasse-prod).
  dir = mkdtempSync(join(tmpdir(), 'egov-headroom-'));
  const { publicKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: 3072, extractable: true });
  writeFileSync(join(dir, 'destination.jwk.json'), JSON.stringify({ ...(await exportJWK(publicKey)), kid: 'fachverfahren-1', key_ops: ['wrapKey'] }));
  const fixture = JSON.parse(readFileSync(PROD_FIXTURE, 'utf8')) as {
    offices: { id: string; name: { de: string; en: string } }[];
    bundid: { idp: { certificateFiles: string[] }; sp: { certificateFile: string } };
  };
  const nextToFixture = (file: string) => resolve(dirname(PROD_FIXTURE), file);
  const offices = [...fixture.offices];
  for (let n = offices.length + 1; offices.length < PROMISED_OFFICES; n += 1) offices.push({ id: `fachdienst-${n}`, name: { de: `Fachdienst ${n}`, en: `Department ${n}` } });
  const destinations = Object.fromEntries(
    offices.slice(0, PROMISED_DESTINATIONS).map(({ id }) => [id, { url: `https://fachverfahren.landkreis.example/${id}`, publicKeyFile: 'destination.jwk.json' }]),
  );
  const stage = {
    ...fixture,
    offices,
    destinations,
    bundid: {
      ...fixture.bundid,
      idp: { ...fixture.bundid.idp, certificateFiles: fixture.bundid.idp.certificateFiles.map(nextToFixture) },
      sp: { ...fixture.bundid.sp, certificateFile: nextToFixture(fixture.bundid.sp.certificateFile) },
    },
  };
  writeFileSync(join(dir, 'kreis-bergstrasse-prod.json'), JSON.stringify(stage));
  // With CDK's metadata resource, which `cdk synth` and `cdk deploy` add to every stack.
  large = synthStage('prod', { context: { stageFile: join(dir, 'kreis-bergstrasse-prod.json'), [ANALYTICS_REPORTING_ENABLED_CONTEXT]: true } });
  stacks = stackTemplates(large.stack);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (of: StackTemplate, section: 'Resources' | 'Parameters' | 'Outputs') => Object.keys((of.template[section] as object | undefined) ?? {}).length;
const ofType = (of: StackTemplate, type: string) => Object.values(of.template.Resources ?? {}).filter((resource) => resource.Type === type).length;

describe(`a Landkreis's prod with ${PROMISED_OFFICES} offices, ${PROMISED_DESTINATIONS} with a delivery destination`, () => {
  it("is the stage's stack and its nested monitoring stack, each with CDK's metadata resource as deployed", () => {
    expect(stacks.map(({ stack }) => stack.node.id)).toEqual([large.stack.node.id, 'Monitoring']);
    for (const of of stacks) expect(ofType(of, 'AWS::CDK::Metadata')).toBe(1);
  });

  it('stays within CloudFormation\'s limits in every stack: 500 resources, 200 parameters, 200 outputs', () => {
    const over = stacks.flatMap((of) =>
      (['resources', 'parameters', 'outputs'] as const)
        .map((limit) => ({ stack: of.stack.node.path, limit, count: count(of, limit === 'resources' ? 'Resources' : limit === 'parameters' ? 'Parameters' : 'Outputs') }))
        .filter(({ limit, count: n }) => n > LIMITS[limit]),
    );
    expect(over).toEqual([]);
  });

  it("grows the stage's own stack by one Cognito group per office and one signing secret per destination, and the monitoring stack not at all", () => {
    const [own, ...nested] = stacks;
    expect(ofType(own!, 'AWS::Cognito::UserPoolGroup')).toBe(PROMISED_OFFICES);
    expect(Object.values(own!.template.Resources ?? {}).filter((r) => r.Type === 'AWS::SecretsManager::Secret' && String(r.Properties?.Name).includes('/delivery/'))).toHaveLength(PROMISED_DESTINATIONS);
    for (const of of nested) {
      expect(ofType(of, 'AWS::Cognito::UserPoolGroup')).toBe(0);
      expect(ofType(of, 'AWS::SecretsManager::Secret')).toBe(0);
    }
  });

  it('holds the alarms and metric filters in the nested stack, not in the stage\'s own', () => {
    const [own, monitoring] = stacks;
    expect(ofType(own!, 'AWS::CloudWatch::Alarm')).toBe(0);
    expect(ofType(own!, 'AWS::Logs::MetricFilter')).toBe(0);
    expect(ofType(monitoring!, 'AWS::CloudWatch::Alarm')).toBeGreaterThan(0);
  });

  it('moves nothing with a fixed name: an upgrade creates the moved resources beside the old ones, which a fixed name would collide with', () => {
    // The property that names each type of resource the nested stacks may hold; a type not listed here needs a look first.
    const nameOf: Record<string, string | undefined> = { 'AWS::CloudWatch::Alarm': 'AlarmName', 'AWS::Logs::MetricFilter': 'FilterName', 'AWS::CDK::Metadata': undefined };
    for (const of of stacks.slice(1)) {
      const resources = Object.entries(of.template.Resources ?? {});
      expect([...new Set(resources.map(([, resource]) => resource.Type))].filter((type) => !(type in nameOf))).toEqual([]);
      const named = resources.filter(([, resource]) => nameOf[resource.Type] !== undefined && resource.Properties?.[nameOf[resource.Type]!] !== undefined);
      expect(named.map(([id]) => id)).toEqual([]);
    }
  });

  it("keeps the alarm topic (its mail subscription confirmed) and the named dashboard in the stage's stack, under the ids they had", () => {
    const own = stacks[0]!.template.Resources ?? {};
    expect(own.AlarmsTopic3A2DFEBA?.Type).toBe('AWS::SNS::Topic');
    expect(own.AlarmsTopicitbetrieblandkreisexample1D3014B7?.Type).toBe('AWS::SNS::Subscription');
    expect(own.Dashboard7A714131?.Properties?.DashboardName).toBe('egov-forms-kreis-bergstrasse-prod');
  });

  it('is what docs/deploy.md promises', () => {
    const deploy = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(deploy).toContain(`${PROMISED_OFFICES} offices, ${PROMISED_DESTINATIONS} of them with a delivery destination`);
  });
});
