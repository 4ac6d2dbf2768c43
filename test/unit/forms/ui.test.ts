import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { uiOverlayProblem } from '#lib/forms/ui.ts';
import { testDefinition } from '../../support/forms.ts';
import { removeTempDirs, tempDir } from '../../support/tempDirs.ts';

afterAll(removeTempDirs);

// The `ui` overlay of a form definition (API.md, Form definitions on disk): the portal's pages.
const schema = {
  type: 'object',
  properties: { a: { type: 'string' }, b: { type: 'string' } },
  if: { required: ['a'] },
  then: { properties: { c: { type: 'string' } } },
};
const page = (...properties: string[]) => ({ title: { de: 'Seite', en: 'Page' }, properties });

describe('the ui overlay', () => {
  test('names every top-level property, conditional ones included, on exactly one page', () => {
    expect(uiOverlayProblem(schema, { pages: [page('/b', '/c'), page('/a')] })).toBeUndefined();
  });

  test.each([
    [{ pages: [page('/a', '/b')] }, 'on no page'],
    [{ pages: [page('/a', '/b', '/c', '/d')] }, 'names no property'],
    [{ pages: [page('/a', '/b'), page('/c', '/a')] }, 'already on page 1'],
    [{ pages: [page('/a/x', '/b', '/c')] }, 'not a top-level'],
  ])('refuses %j (%s)', (ui, problem) => {
    expect(uiOverlayProblem(schema, ui)).toContain(problem);
  });

  test('a definition whose overlay leaves a property out stops the catalogue, naming its file', () => {
    const dir = tempDir('egov-ui-');
    mkdirSync(join(dir, 'testantrag'));
    const definition = testDefinition({ ui: { pages: [{ title: { de: 'Seite', en: 'Page' }, properties: ['/nothing'] }] } });
    writeFileSync(join(dir, 'testantrag', 'v1.json'), JSON.stringify(definition));
    expect(() => loadFormCatalogue(dir)).toThrow(/testantrag.*v1\.json.*names no property/s);
  });
});
