import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { routes } from '../../functions/functions.ts';
import { TABLE_NEEDS } from '#lib/runtime/needs.ts';
import {
  type Statement,
  type Synthesized,
  actionMatches,
  allIdentityStatements,
  resourceRefersTo,
  statementsOfRole,
  synthStage,
} from './synth.ts';

let dev: Synthesized;
beforeAll(() => {
  dev = synthStage('dev');
});

const logicalId = (construct: { node: { defaultChild?: unknown } } | CfnResource): string => {
  const cfn = ('node' in construct && construct.node.defaultChild ? construct.node.defaultChild : construct) as CfnResource;
  return dev.stack.getLogicalId(cfn);
};
const roleOf = (handler: string): string => logicalId(dev.stack.functions.byName(handler).role);
const allows = (statements: Statement[], action: string, resourceId: string): boolean =>
  statements.some(
    (s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, action)) && resourceRefersTo(s, resourceId),
  );
/** Actions a role holds on a resource, as written (wildcards would show up here and fail the comparisons). */
const actionsOn = (statements: Statement[], resourceId: string, service: string): string[] =>
  [
    ...new Set(
      statements
        .filter((s) => s.Effect === 'Allow' && resourceRefersTo(s, resourceId))
        .flatMap((s) => s.Action)
        .filter((a) => a.startsWith(`${service}:`)),
    ),
  ].sort();

describe('least privilege', () => {
  it('the submit role cannot kms:Decrypt with any policy attached to it', () => {
    const statements = statementsOfRole(dev.template, roleOf('submit'));
    expect(statements.length).toBeGreaterThan(0);
    const decrypting = statements.filter(
      (s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, 'kms:Decrypt')) && resourceRefersTo(s, logicalId(dev.stack.keys.caseKey)),
    );
    expect(decrypting).toEqual([]);
  });

  it('the case key policy denies the submit role everything but kms:GenerateDataKey', () => {
    const key = dev.template.toJSON().Resources[logicalId(dev.stack.keys.caseKey)];
    const confine = key.Properties.KeyPolicy.Statement.find((s: { Sid?: string }) => s.Sid === 'Confinesubmit');
    expect(confine).toMatchObject({
      Effect: 'Deny',
      NotAction: 'kms:GenerateDataKey',
      Principal: { AWS: { 'Fn::GetAtt': [roleOf('submit'), 'Arn'] } },
    });
  });

  it('the submit role uses the at-rest key only through DynamoDB and Secrets Manager', () => {
    const dataKey = logicalId(dev.stack.keys.dataKey);
    const onDataKey = statementsOfRole(dev.template, roleOf('submit')).filter(
      (s) => s.Action.some((a) => a.startsWith('kms:')) && resourceRefersTo(s, dataKey),
    );
    expect(onDataKey.length).toBeGreaterThan(0);
    for (const statement of onDataKey) {
      expect(statement.Condition?.StringEquals?.['kms:ViaService']).toMatch(/^(dynamodb|secretsmanager)\.eu-central-1\.amazonaws\.com$/);
    }
  });

  it('no role can Scan or DeleteItem on the cases table', () => {
    const cases = logicalId(dev.stack.data.cases);
    const statements = allIdentityStatements(dev.template);
    expect(allows(statements, 'dynamodb:Scan', cases)).toBe(false);
    expect(allows(statements, 'dynamodb:DeleteItem', cases)).toBe(false);
  });

  it('no role can UpdateItem or DeleteItem on the append-only events table', () => {
    const events = logicalId(dev.stack.data.events);
    const statements = allIdentityStatements(dev.template);
    expect(allows(statements, 'dynamodb:UpdateItem', events)).toBe(false);
    expect(allows(statements, 'dynamodb:DeleteItem', events)).toBe(false);
  });

  it('no identity policy has a wildcard action', () => {
    const wildcards = allIdentityStatements(dev.template).flatMap((s) => s.Action.filter((a) => a.includes('*')));
    expect(wildcards).toEqual([]);
  });

  it.each(routes.map((route) => [route.handler, route] as const))(
    "the %s role's DynamoDB and case-key actions equal its route's needs",
    (handler, route) => {
      const statements = statementsOfRole(dev.template, roleOf(handler));
      const tables = {
        cases: dev.stack.data.cases,
        events: dev.stack.data.events,
        idempotency: dev.stack.data.idempotency,
        attachments: dev.stack.data.attachments,
        signIns: dev.stack.data.signIns,
      };
      for (const need of TABLE_NEEDS) {
        expect({ [need]: actionsOn(statements, logicalId(tables[need]), 'dynamodb') }).toEqual({ [need]: [...(route.needs[need] ?? [])].sort() });
      }
      // Case data and attachment metadata are both wrapped by the case key, each with its own context.
      const caseKeyActions = new Set([...(route.needs.caseKey ?? []), ...(route.needs.attachmentKey ?? [])]);
      expect(actionsOn(statements, logicalId(dev.stack.keys.caseKey), 'kms')).toEqual([...caseKeyActions].sort());
      expect(actionsOn(statements, logicalId(dev.stack.keys.hmacSecret), 'secretsmanager')).toEqual(
        route.needs.hmacSecret ? ['secretsmanager:GetSecretValue'] : [],
      );
    },
  );

  it('every case-key grant requires caseId, formId and office in the context, allows no other key and pins the purpose', () => {
    const caseKey = logicalId(dev.stack.keys.caseKey);
    const grants = allIdentityStatements(dev.template).filter(
      (s) => s.Effect === 'Allow' && s.Action.some((a) => a.startsWith('kms:')) && resourceRefersTo(s, caseKey),
    );
    expect(grants.length).toBeGreaterThan(0);
    // Each grant pins one of the two contexts the case key is used with: case data, or attachment
    // metadata (file names; test/infra/attachments.test.ts checks that one).
    const caseGrants = grants.filter((grant) => grant.Condition?.StringEquals?.['kms:EncryptionContext:purpose'] !== 'attachment-meta');
    expect(caseGrants.length).toBeGreaterThan(0);
    for (const grant of grants.filter((candidate) => !caseGrants.includes(candidate))) {
      expect(grant.Condition?.['ForAllValues:StringEquals']).toEqual({ 'kms:EncryptionContextKeys': ['attachmentId', 'formId', 'office', 'purpose'] });
    }
    for (const grant of caseGrants) {
      expect(grant.Condition).toEqual({
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['caseId', 'formId', 'formVersion', 'office', 'purpose'] },
        Null: {
          'kms:EncryptionContext:caseId': 'false',
          'kms:EncryptionContext:formId': 'false',
          'kms:EncryptionContext:formVersion': 'false',
          'kms:EncryptionContext:office': 'false',
          'kms:EncryptionContext:purpose': 'false',
        },
        StringEquals: { 'kms:EncryptionContext:purpose': 'case-data' },
      });
    }
  });

  it('Query on the cases table extends to its indexes by name, never index/*', () => {
    const statements = statementsOfRole(dev.template, roleOf('listCases'));
    const indexResources = statements
      .filter((s) => s.Action.includes('dynamodb:Query'))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
      .map((r) => JSON.stringify(r))
      .filter((r) => r.includes('/index/'));
    // The office lists' indexes and the citizen index (GET /me/cases), each by name.
    expect(indexResources.map((r) => /\/index\/(\w+)/.exec(r)?.[1]).sort()).toEqual(
      ['byCitizen', 'byForm', 'byFormStatus', 'byOffice', 'byOfficeStatus'],
    );
  });
});
