import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenedTemplate } from './nested.ts';
import { messagesOf, synthStage } from './synth.ts';
import { sharedTemplate, TEMPLATE_CACHE_ENV } from './templateCache.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` with EGOV_TEMPLATE_CACHE naming a fresh directory (or none), restoring it after. */
function withCacheDir<T>(dir: string | undefined, body: () => T): T {
  const saved = process.env[TEMPLATE_CACHE_ENV];
  if (dir === undefined) delete process.env[TEMPLATE_CACHE_ENV];
  else process.env[TEMPLATE_CACHE_ENV] = dir;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env[TEMPLATE_CACHE_ENV];
    else process.env[TEMPLATE_CACHE_ENV] = saved;
  }
}

describe('the templates the infra files share', () => {
  it('are synthesized once per distinct input and read back whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-templates-test-'));
    dirs.push(dir);
    let synths = 0;
    const synthesize = (resources: number) => () => {
      synths += 1;
      return { Resources: Object.fromEntries(Array.from({ length: resources }, (_, i) => [`R${i}`, { Type: 'AWS::SNS::Topic' }])) };
    };
    withCacheDir(dir, () => {
      const first = sharedTemplate({ stage: 'dev' }, synthesize(2));
      expect(sharedTemplate({ stage: 'dev' }, synthesize(3))).toEqual(first);
      expect(synths).toBe(1);
      expect(Object.keys(sharedTemplate({ stage: 'prod' }, synthesize(3)).Resources as object)).toHaveLength(3);
      expect(synths).toBe(2);
    });
    // One file per input, no partial file left.
    expect(readdirSync(dir).filter((name) => name.endsWith('.json'))).toHaveLength(2);
    expect(readdirSync(dir).filter((name) => !name.endsWith('.json'))).toEqual([]);
  });

  it('are not shared without the directory of the run: every call synthesizes', () => {
    let synths = 0;
    const synthesize = () => {
      synths += 1;
      return { Resources: {} };
    };
    withCacheDir(undefined, () => {
      sharedTemplate({ stage: 'dev' }, synthesize);
      sharedTemplate({ stage: 'dev' }, synthesize);
    });
    expect(synths).toBe(2);
  });

  it("are what the stack a file builds for itself synthesizes (logical ids included), so sharing changes no file's findings", () => {
    const shared = synthStage('dev');
    const again = synthStage('dev');
    // The second synth is read from the run's directory; its stack is built only now, on use.
    expect(flattenedTemplate(again.stack)).toEqual(again.template.toJSON());
    expect(again.template.toJSON()).toEqual(shared.template.toJSON());
    // The name files read without building the stack is the built stack's own, and the messages
    // kept with the template are what the built stack's synth reports (nag.test.ts checks them).
    expect(again.stackName).toBe(again.stack.stackName);
    expect(messagesOf(again.stack)).toEqual(again.messages);
  });
});
