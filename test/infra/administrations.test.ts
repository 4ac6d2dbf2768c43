import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadStageConfig } from '../../infra/config.ts';
import { PROD_FIXTURE, synthStage, synthTown, TOWN_FIXTURE, type Resource, type Synthesized } from './synth.ts';

/**
 * Silo tenancy (API.md, "Administrations and offices"): every administration and stage is one stack
 * whose account- and region-unique names derive from its stage file's name, so that two
 * administrations, or dev and prod of one, deploy side by side in one account without a collision.
 */

/**
 * Names that live inside a parent resource, not in the account or region: a Cognito group or app
 * client in its user pool, an API stage or authorizer in its API, a Lambda alias in its function, a
 * deployment group in its CodeDeploy application, an inline policy in its role.
 */
const SCOPED = new Set([
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolClient',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Authorizer',
  'AWS::Lambda::Alias',
  'AWS::CodeDeploy::DeploymentGroup',
  'AWS::IAM::Policy',
]);
/** `*Name` properties that name no resource: the metric an alarm watches. */
const NOT_A_NAME = new Set(['MetricName']);

/** Every literal name a template gives a resource (top-level `*Name`, `Name`, `Domain`, the backup plan's name), with its resource type. */
function namedResources({ stackName, template }: Synthesized): string[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const names = [`AWS::CloudFormation::Stack ${stackName}`];
  for (const resource of Object.values(resources)) {
    if (SCOPED.has(resource.Type)) continue;
    const properties: Record<string, unknown> = { ...resource.Properties, ...((resource.Properties.BackupPlan as Record<string, unknown> | undefined) ?? {}) };
    for (const [key, value] of Object.entries(properties)) {
      if (typeof value === 'string' && (/Name$/.test(key) || key === 'Domain') && !NOT_A_NAME.has(key)) names.push(`${resource.Type} ${value}`);
    }
    const environment = (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (typeof environment?.POWERTOOLS_METRICS_NAMESPACE === 'string') names.push(`metrics namespace ${environment.POWERTOOLS_METRICS_NAMESPACE}`);
  }
  return [...new Set(names)].sort();
}

let landkreisProd: Synthesized;
let landkreisDev: Synthesized;
let townProd: Synthesized;
beforeAll(() => {
  landkreisProd = synthStage('prod');
  landkreisDev = synthStage('dev');
  townProd = synthTown();
});

describe('administrations side by side in one account', () => {
  it('name their resources at all (the comparison below has something to compare)', () => {
    for (const synthesized of [landkreisProd, landkreisDev, townProd]) {
      const names = namedResources(synthesized);
      for (const type of ['AWS::IAM::Role', 'AWS::KMS::Alias', 'AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolDomain', 'AWS::Backup::BackupVault', 'AWS::Logs::LogGroup', 'AWS::WAFv2::WebACL', 'metrics namespace']) {
        expect(names).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `))]));
      }
    }
  });

  it('two administrations share no resource name', () => {
    const town = new Set(namedResources(townProd));
    expect(namedResources(landkreisProd).filter((name) => town.has(name))).toEqual([]);
  });

  it('dev and prod of one administration share no resource name', () => {
    const dev = new Set(namedResources(landkreisDev));
    expect(namedResources(landkreisProd).filter((name) => dev.has(name))).toEqual([]);
  });

  it('derive each name from the stage file’s name (the custom domain is the stage file\'s own value)', () => {
    for (const [synthesized, name] of [[landkreisProd, 'kreis-bergstrasse-prod'], [townProd, 'stadt-bensheim-prod']] as const) {
      const derived = namedResources(synthesized).filter((entry) => !entry.startsWith('AWS::ApiGateway::DomainName '));
      expect(derived.filter((entry) => !entry.includes(name))).toEqual([]);
    }
  });

  it('create one Cognito group per office of the administration’s stage file, described by its display name', () => {
    for (const [synthesized, stageFile] of [[landkreisProd, PROD_FIXTURE], [townProd, TOWN_FIXTURE]] as const) {
      const groups = Object.values(synthesized.template.findResources('AWS::Cognito::UserPoolGroup')).map((group) => (group as Resource).Properties);
      const { offices } = loadStageConfig((key) => (key === 'stageFile' ? stageFile : undefined));
      expect(groups.map((group) => group.GroupName).sort()).toEqual(offices.map((office) => office.id).sort());
      for (const office of offices) expect(groups.find((group) => group.GroupName === office.id)?.Description).toContain(office.name.de);
    }
  });
});
