/**
 * Everything this process writes to stdout and stderr while `work` runs: where Powertools'
 * Logger and Metrics (and console) put their lines in Lambda. Written through, so nothing is hidden.
 */
export async function capturedOutput(work: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (originals[i] as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    await work();
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i]!));
  }
  return chunks.join('');
}
