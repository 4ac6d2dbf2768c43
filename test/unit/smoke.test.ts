import { describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { routes } from '../../functions/routes.ts';

describe('toolchain', () => {
  it('loads ESM middy and the route table', async () => {
    const h = middy(async () => routes.length);
    expect(await h({}, {} as never)).toBeGreaterThan(0);
  });
});
