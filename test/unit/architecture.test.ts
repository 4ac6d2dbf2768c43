import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * The layout of ARCHITECTURE.md, checked: no import cycle in functions/, and functions/lib does not
 * reach out to the handlers or the function table at run time (types may be shared).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The project files a module imports at run time (not `import type`), repo-relative. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8');
  const specifiers = [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1] ?? '');
  return specifiers.flatMap((specifier) => {
    if (specifier.startsWith('#lib/')) return [join('functions/lib', specifier.slice(5))];
    if (specifier.startsWith('.')) return [normalize(join(dirname(file), specifier))];
    return [];
  });
}

const files = sourcesUnder('functions');
const graph = new Map(files.map((file) => [file, runtimeImports(file).filter((target) => target.endsWith('.ts'))]));

describe('module layout', () => {
  it('reads every module of functions/ (the check can see something)', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(graph.get('functions/getCase/getCase.ts')).toContain('functions/lib/cases/access.ts');
  });

  it('has no import cycle in functions/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('functions/lib imports nothing outside functions/lib at run time', () => {
    const outward = files
      .filter((file) => file.startsWith('functions/lib/'))
      .flatMap((file) => (graph.get(file) ?? []).filter((target) => !target.startsWith('functions/lib/')).map((target) => `${file} → ${relative(root, join(root, target))}`));
    expect(outward).toEqual([]);
  });
});
