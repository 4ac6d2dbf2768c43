import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnResource } from 'aws-cdk-lib';
import { functionsOf, routes } from '../../functions/functions.ts';
import { caseIndexNames } from '#lib/cases/tables.ts';
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
      (s) => s.Effect === 'Allow' && s.Action.some((a) => a.startsWith('kms:')) && resourceRefersTo(s, dataKey),
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
        // The cases table by key only (casePartitions) is the cases table too.
        const expected = new Set([...(route.needs[need] ?? []), ...(need === 'cases' ? (route.needs.casePartitions ?? []) : [])]);
        expect({ [need]: actionsOn(statements, logicalId(tables[need]), 'dynamodb') }).toEqual({ [need]: [...expected].sort() });
      }
      // Case data, attachment metadata and messages are all wrapped by the case key, each with its own context.
      const caseKeyActions = new Set([...(route.needs.caseKey ?? []), ...(route.needs.attachmentKey ?? []), ...(route.needs.messageKey ?? [])]);
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
    const purposeOf = (grant: Statement) => grant.Condition?.StringEquals?.['kms:EncryptionContext:purpose'];
    const caseGrants = grants.filter((grant) => purposeOf(grant) !== 'attachment-meta' && purposeOf(grant) !== 'message');
    expect(caseGrants.length).toBeGreaterThan(0);
    for (const grant of grants.filter((candidate) => purposeOf(candidate) === 'attachment-meta')) {
      expect(grant.Condition?.['ForAllValues:StringEquals']).toEqual({ 'kms:EncryptionContextKeys': ['attachmentId', 'formId', 'office', 'purpose'] });
    }
    // Messages (test below): the case, the item, the office and the purpose.
    for (const grant of grants.filter((candidate) => purposeOf(candidate) === 'message')) {
      expect(grant.Condition?.['ForAllValues:StringEquals']).toEqual({ 'kms:EncryptionContextKeys': ['caseId', 'itemId', 'office', 'purpose'] });
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

  it('a public route may use the case key only with the message purpose: messages, never form data, notes or file names', () => {
    const caseKey = logicalId(dev.stack.keys.caseKey);
    const publicRoutes = routes.filter((route) => route.access === 'public');
    const decrypting = publicRoutes.filter((route) =>
      statementsOfRole(dev.template, roleOf(route.handler)).some(
        (s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, 'kms:Decrypt')) && resourceRefersTo(s, caseKey),
      ),
    );
    // The citizens' message routes decrypt (the check can fail: there are such roles) ...
    expect(decrypting.map((route) => route.handler)).toEqual(expect.arrayContaining(['citizenMessages', 'citizenReply']));
    for (const route of decrypting) {
      for (const grant of statementsOfRole(dev.template, roleOf(route.handler)).filter(
        (s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, 'kms:Decrypt')) && resourceRefersTo(s, caseKey),
      )) {
        // ... each grant with exactly the message context, the purpose pinned by value.
        expect({ route: route.handler, condition: grant.Condition }).toEqual({
          route: route.handler,
          condition: {
            'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['caseId', 'itemId', 'office', 'purpose'] },
            Null: {
              'kms:EncryptionContext:caseId': 'false',
              'kms:EncryptionContext:itemId': 'false',
              'kms:EncryptionContext:office': 'false',
              'kms:EncryptionContext:purpose': 'false',
            },
            StringEquals: { 'kms:EncryptionContext:purpose': 'message' },
          },
        });
      }
    }
  });

  it('the citizens\' routes read the cases table by key only: no index, only reference claims and case partitions', () => {
    const cases = logicalId(dev.stack.data.cases);
    for (const route of routes.filter((candidate) => candidate.needs.casePartitions?.length)) {
      const onCases = statementsOfRole(dev.template, roleOf(route.handler)).filter((s) => s.Effect === 'Allow' && s.Action.some((a) => a.startsWith('dynamodb:')) && resourceRefersTo(s, cases));
      expect(onCases.length).toBeGreaterThan(0);
      for (const statement of onCases) {
        expect(JSON.stringify(statement.Resource)).not.toContain('index');
        expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CASE#*', 'REF#*'] } });
        expect(statement.Action).not.toContain('dynamodb:UpdateItem');
      }
    }
  });

  it('each role queries exactly the cases indexes its function declares (caseIndexes), by name, never index/*', () => {
    const cases = logicalId(dev.stack.data.cases);
    const indexesOf = (handler: string): string[] =>
      statementsOfRole(dev.template, roleOf(handler))
        .filter((s) => s.Effect === 'Allow' && s.Action.some((a) => actionMatches(a, 'dynamodb:Query')))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
        .map((r) => JSON.stringify(r))
        .filter((r) => r.includes('/index/') && r.includes(cases))
        .map((r) => /\/index\/([^"]+)"/.exec(r)?.[1] ?? r)
        .sort();
    const queriers = functionsOf().filter((spec) => (spec.needs.cases as readonly string[] | undefined)?.includes('dynamodb:Query'));
    // The shipped table has readers of every kind: list readers, the citizen's, and readers by id only.
    expect(queriers.filter((spec) => spec.caseIndexes?.includes('list')).length).toBeGreaterThan(0);
    expect(queriers.filter((spec) => spec.caseIndexes?.includes('citizen')).length).toBeGreaterThan(0);
    expect(queriers.filter((spec) => !spec.caseIndexes?.length).length).toBeGreaterThan(0);
    for (const spec of functionsOf()) {
      const expected = (spec.caseIndexes ?? []).flatMap(caseIndexNames).sort();
      expect({ handler: spec.name, indexes: indexesOf(spec.name) }).toEqual({ handler: spec.name, indexes: expected });
      for (const name of indexesOf(spec.name)) expect(name).not.toContain('*');
    }
    // What the names stand for: the office lists' indexes, and the citizen index (GET /me/cases).
    expect(caseIndexNames('list').sort()).toEqual(['byForm', 'byFormStatus', 'byOffice', 'byOfficeStatus']);
    expect(caseIndexNames('citizen')).toEqual(['byCitizen']);
  });
});
