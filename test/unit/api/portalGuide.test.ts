// docs/portal.md's answers are the API's: every JSON example in it names the shape it shows
// (`<!-- example: <export of functions/lib/api/schemas.ts> -->` above the block) and parses with
// that zod shape unchanged (no field the shape does not know, none it requires missing).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { ZodType } from 'zod';
import * as shapes from '#lib/api/schemas.ts';

const guide = readFileSync(new URL('../../../docs/portal.md', import.meta.url), 'utf8');

interface Example {
  shape: string;
  json: string;
  line: number;
}

/** Every ```json block, with the shape the comment above it names (empty when none does). */
function jsonExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```json\s*$/.exec(lines[i]!);
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```');
    const shape = /<!-- example: (\w+) -->/.exec(lines[i - 1] ?? '')?.[1] ?? '';
    examples.push({ shape, json: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return examples;
}

const examples = jsonExamples(guide);

describe('docs/portal.md', () => {
  it('shows the answers a portal handles: the forms, the 201, the status, a problem', () => {
    expect(examples.map((example) => example.shape)).toEqual(expect.arrayContaining(['formList', 'submissionResponse', 'citizenStatus', 'problemDocument']));
  });

  it('names the shape of every JSON example', () => {
    expect(examples.filter((example) => !(example.shape in shapes)).map((example) => `line ${example.line}: "${example.shape}"`)).toEqual([]);
  });

  it.each(examples.map((example) => [`${example.shape} (line ${example.line})`, example] as const))('%s parses with the API shape, unchanged', (_, example) => {
    const value: unknown = JSON.parse(example.json);
    const shape = (shapes as unknown as Record<string, ZodType>)[example.shape]!;
    const parsed = shape.safeParse(value);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(value);
  });
});
