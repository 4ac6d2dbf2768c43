import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__egovStack;
  if (!stack) return;
  await stack.stop();
  rmSync(stack.info.dataDir, { recursive: true, force: true });
}
