import { describe, expect, it } from '@jest/globals';
import { matchesMediaType } from '#lib/attachments/magic.ts';

const pdf = Buffer.from('%PDF-1.7\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

describe('leading bytes against the declared type', () => {
  it.each([
    [pdf, 'application/pdf', true],
    [png, 'image/png', true],
    [jpeg, 'image/jpeg', true],
    [png, 'application/pdf', false],
    [pdf, 'image/png', false],
    [jpeg, 'image/png', false],
    [Buffer.from('%PD'), 'application/pdf', false],
    [Buffer.alloc(0), 'image/jpeg', false],
  ] as const)('%j as %s: %s', (bytes, type, expected) => {
    expect(matchesMediaType(bytes, type)).toBe(expected);
  });
});
