import { afterAll } from '@jest/globals';

// Code under test that writes to process.stdout/stderr itself (Powertools' Logger writes its JSON
// lines there, as in Lambda) would bypass jest's console buffer and print whether or not a test
// fails. Its writes go to the test console instead, which test/support/quietReporter.ts shows
// for failing files only. Wrappers such as logCapture.ts still see every chunk first.
const restore: (() => void)[] = [];
for (const [stream, level] of [
  [process.stdout, 'log'],
  [process.stderr, 'error'],
] as const) {
  const original = stream.write;
  let inside = false;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    // jest's console may itself write to the stream (verbose mode): let that through.
    if (inside) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    inside = true;
    try {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      console[level](text.replace(/\n$/, ''));
    } finally {
      inside = false;
    }
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    callback?.();
    return true;
  } as typeof stream.write;
  restore.push(() => (stream.write = original));
}
afterAll(() => restore.forEach((undo) => undo()));
