import { parseArgs } from 'node:util';
import { dataDir } from '../local/paths.ts';
import { mintToken } from '../local/tokens.ts';

// `npm run -s token -- --sub alice --office ordnungsamt [--office jugendamt] [--ttl 3600]`
const usage = 'usage: npm run -s token -- --sub <clerk> --office <office> [--office <office> ...] [--ttl <seconds>]';

try {
  const { values } = parseArgs({
    options: { sub: { type: 'string' }, office: { type: 'string', multiple: true }, ttl: { type: 'string' } },
    strict: true,
  });
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!values.sub || !values.office?.length || !Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new Error(usage);
  process.stdout.write(`${await mintToken(dataDir(), { sub: values.sub, offices: values.office, ttlSeconds: ttl })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
  process.exit(2);
}
