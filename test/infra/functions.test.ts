import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Stage } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { CONFIG_OF_NEED } from '#lib/runtime/config.ts';
import { functionsOf, routes } from '../../functions/functions.ts';
import { type Resource, type Synthesized, synthStage } from './synth.ts';
import { composition, packagesOf } from '../../bench/coldStart.ts';
import { BUILD_DIR, PUBLIC_DOCUMENTS } from '#lib/forms/public.ts';
import { CHECKS_MANIFEST, checksFile, type ChecksManifest } from '#lib/forms/shipped.ts';
import { IN_FLIGHT_LOCK_MS } from '#lib/submissions/idempotency.ts';

// The one synthesis with bundling. CDK_DOCKER points at a program that cannot run containers, so
// a fallback to Docker bundling would fail this suite instead of passing silently.
let dev: Synthesized;
beforeAll(() => {
  process.env.CDK_DOCKER = '/bin/false';
  dev = synthStage('dev', { bundling: true });
}, 120_000);

const functionOf = (handler: string): Resource => {
  const fn = dev.stack.functions.byName(handler).fn;
  const resource = (dev.template.toJSON().Resources as Record<string, Resource>)[dev.stack.getLogicalId(fn.node.defaultChild as never)];
  if (!resource) throw new Error(handler);
  return resource;
};
const bundleDir = (handler: string): string => {
  const asset = dev.stack.functions.byName(handler).fn.node.findChild('Code') as Asset;
  return path.join(Stage.of(dev.stack)?.outdir ?? '', asset.assetPath);
};
const formFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json')).sort();

describe('functions', () => {
  it('there is one function per entry of the function table', () => {
    // One per route or worker, the synthetic probe of GET /forms (inline code, its own test in operations.test.ts),
    // and the handler that uploads the clerk console (BucketDeployment, test/infra/console.test.ts).
    dev.template.resourceCountIs('AWS::Lambda::Function', functionsOf().length + 2);
  });

  it.each(routes.map((route) => route.handler))('%s runs nodejs24.x on arm64 with active tracing and its own log group', (handler) => {
    expect(functionOf(handler).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Timeout: 10,
      LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
    });
  });

  it("an in-flight Idempotency-Key claim outlives the submit function's timeout: it never expires while its attempt may still store the case", () => {
    expect(IN_FLIGHT_LOCK_MS).toBeGreaterThan((functionOf('submit').Properties.Timeout as number) * 1000);
  });

  it.each(routes.map((route) => [route.handler, route] as const))(
    '%s is told exactly the resources its route needs, plus Powertools, SDK retry and source-map settings',
    (handler, route) => {
      const variables = (functionOf(handler).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const expected = [
        ...(route.needs.cases?.length ? ['CASES_TABLE'] : []),
        ...(route.needs.events?.length ? ['EVENTS_TABLE'] : []),
        ...(route.needs.idempotency?.length ? ['IDEMPOTENCY_TABLE'] : []),
        ...(route.needs.caseKey?.length ? ['CASE_KEY_ID'] : []),
        ...(route.needs.hmacSecret ? ['HMAC_SECRET_ID'] : []),
        ...(route.needs.forms ? ['FORMS_DIR'] : []),
        ...(route.needs.attachments?.length ? ['ATTACHMENTS_TABLE'] : []),
        ...(route.needs.attachmentKey?.length ? ['ATTACHMENT_KEY_ID'] : []),
        ...(route.needs.messageKey?.length ? ['MESSAGE_KEY_ID'] : []),
        ...(route.needs.casePartitions?.length ? ['CASE_PARTITIONS_TABLE'] : []),
        ...(route.needs.quarantine?.length ? ['QUARANTINE_BUCKET'] : []),
        ...(route.needs.vault?.length ? ['VAULT_BUCKET'] : []),
        ...(route.needs.signIns?.length ? ['SIGN_INS_TABLE'] : []),
        ...(route.needs.bundid ? ['BUNDID'] : []),
        ...(route.needs.bundidKey ? ['BUNDID_SP_KEY_SECRET_ID'] : []),
        ...(route.needs.officeNames ? ['OFFICE_NAMES'] : []),
        ...(route.needs.openapiDocument ? ['OPENAPI_FILE'] : []),
      ];
      const handlerSettings = Object.values(CONFIG_OF_NEED) as string[];
      expect(Object.keys(variables).filter((name) => handlerSettings.includes(name)).sort()).toEqual(expected.sort());
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `egov-forms-${handler}`,
        POWERTOOLS_METRICS_NAMESPACE: 'EgovForms/kreis-bergstrasse-dev',
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
        NODE_OPTIONS: '--enable-source-maps',
        AWS_MAX_ATTEMPTS: '3',
      });
      if (route.needs.forms) expect(variables.FORMS_DIR).toBe('/var/task/forms');
    },
  );

  it.each(routes.map((route) => route.handler))('%s reads its configuration from its own entry of the function table, or none', (handler) => {
    const source = readFileSync(new URL(`../../functions/${handler}/handler.ts`, import.meta.url), 'utf8');
    const calls = [...source.matchAll(/readConfig\(([^)]*)\)/g)].map((match) => match[1]);
    expect(calls.every((argument) => argument === `functions.${handler}.needs`)).toBe(true);
  });

  it('crypto paths get 512 MB, the others 256 MB', () => {
    for (const route of routes) {
      const heavy = Boolean(route.needs.caseKey?.length) || route.needs.hmacSecret === true;
      expect({ [route.handler]: functionOf(route.handler).Properties.MemorySize }).toEqual({ [route.handler]: heavy ? 512 : 256 });
    }
  });

  it.each(routes.map((route) => route.handler))('%s is bundled locally by esbuild into one minified ES module with a source map', (handler) => {
    const dir = bundleDir(handler);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __egovCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    // Minified: long lines (only template literals of the dependencies still span several).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('functions whose route needs the forms ship schemas/forms under forms/, the others do not', () => {
    const source = formFiles(new URL('../../schemas/forms', import.meta.url).pathname);
    expect(source.length).toBeGreaterThan(0);
    for (const route of routes) {
      const forms = path.join(bundleDir(route.handler), 'forms');
      const definitions = existsSync(forms) ? formFiles(forms).filter((file) => !file.startsWith(`${BUILD_DIR}/`)) : [];
      expect({ [route.handler]: definitions }).toEqual({ [route.handler]: route.needs.forms ? source : [] });
    }
  });

  it('functions that ship the forms ship their generated validators and public documents beside them', () => {
    const source = formFiles(new URL('../../schemas/forms', import.meta.url).pathname);
    for (const route of routes.filter((candidate) => candidate.needs.forms)) {
      const built = path.join(bundleDir(route.handler), 'forms', BUILD_DIR);
      expect({ [route.handler]: [CHECKS_MANIFEST, PUBLIC_DOCUMENTS].filter((file) => existsSync(path.join(built, file))) }).toEqual({
        [route.handler]: [CHECKS_MANIFEST, PUBLIC_DOCUMENTS],
      });
      // Every shipped version is in the manifest, with its two generated checks beside it.
      const manifest = JSON.parse(readFileSync(path.join(built, CHECKS_MANIFEST), 'utf8')) as ChecksManifest;
      const versions = source.map((file) => /^([^/]+)\/v(\d+)\.json$/.exec(file)).filter((match) => match !== null);
      expect(versions.length).toBe(source.length);
      expect({ [route.handler]: Object.keys(manifest).sort() }).toEqual({ [route.handler]: versions.map(([, id, version]) => `${id}@${version}`).sort() });
      const files = versions.flatMap(([, id, version]) => (['firstError', 'allErrors'] as const).map((kind) => checksFile({ id: id!, version: Number(version) }, kind)));
      expect({ [route.handler]: files.filter((file) => !existsSync(path.join(built, file))) }).toEqual({ [route.handler]: [] });
    }
  });

  it('the sign-in routes bundle no zod; the login and the metadata no SAML or XML library; the metadata no middy and no Powertools', () => {
    // What issue 31 took out of their cold starts (bench/README.md): the settings are checked by
    // hand, the AuthnRequest and the metadata are written by our own modules, only the ACS verifies.
    const SAML = ['@node-saml/node-saml', 'xml-crypto', '@xmldom/xmldom', 'xpath', 'xml2js', 'xmlbuilder', 'xml-encryption', 'sax'];
    const kept = (handler: string, packages: string[]) => ({ [handler]: Object.keys(packagesOf(path.join(bundleDir(handler), 'index.mjs'))).filter((name) => packages.includes(name)) });
    expect(kept('bundidAcs', ['zod'])).toEqual({ bundidAcs: [] });
    expect(kept('bundidLogin', ['zod', ...SAML])).toEqual({ bundidLogin: [] });
    expect(kept('bundidMetadata', ['zod', ...SAML, '@middy/core', '@aws-lambda-powertools/logger'])).toEqual({ bundidMetadata: [] });
    // The ACS still verifies with node-saml: the check above can see a package that is there.
    expect(Object.keys(packagesOf(path.join(bundleDir('bundidAcs'), 'index.mjs')))).toEqual(expect.arrayContaining(['@node-saml/node-saml', 'xml-crypto']));
  });

  it('no function bundles the Ajv compiler, and the public read routes, submit, the case read, the file download, the status read, the clerk lists and the case update bundle no zod', () => {
    const carried = routes.map(({ handler }) => {
      const bytes = composition(path.join(bundleDir(handler), 'index.mjs'));
      return { handler, ajv: (bytes.Ajv ?? 0) > 0, zod: (bytes.zod ?? 0) > 0 };
    });
    // The citizen's routes: his accesses, messages, replies, their files and tickets, his cases, an upload's status.
    expect(carried.filter((bundle) => bundle.zod && ['getAccesses', 'citizenMessages', 'citizenReply', 'citizenDownload', 'replyTicket', 'myCases', 'attachmentStatus'].includes(bundle.handler))).toEqual([]);
    expect(carried.filter((bundle) => bundle.ajv)).toEqual([]);
    expect(carried.filter((bundle) => bundle.zod && ['listForms', 'getForm', 'openapi', 'submit', 'getCase', 'downloadAttachment', 'getStatus', 'listCases', 'listEvents', 'updateCase'].includes(bundle.handler))).toEqual([]);
    // The export, the clerk's message and the upload tickets of a form's and a message's file.
    expect(carried.filter((bundle) => bundle.zod && ['exportCases', 'sendMessage', 'messageTicket', 'attachmentTicket'].includes(bundle.handler))).toEqual([]);
  });
});
