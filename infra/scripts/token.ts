import { parseArgs } from 'node:util';
import { loadFormCatalogue } from '#lib/forms/catalogue.ts';
import { displayPath } from '../config.ts';
import { offeringOf } from '../forms.ts';
import { dataDir, formsDir } from '../local/paths.ts';
import { localStageConfig } from '../local/stage.ts';
import { mintToken } from '../local/tokens.ts';

// `npm run -s token -- --sub alice --office <office id> [--office <office id>] [--ttl 3600]`
const USAGE = `usage: npm run -s token -- --sub <clerk> --office <office> [--office <office> ...] [--ttl <seconds>]

Prints a clerk's bearer token (a Cognito-shaped ID token), alone on stdout, that the running
\`npm start\` accepts. --office may be repeated (the clerk's Cognito groups); --ttl is 1 to 86400
seconds (default 3600). Uses the local user pool key in LOCAL_DATA_DIR (default .local/).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { sub: { type: 'string' }, office: { type: 'string', multiple: true }, ttl: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
if (!values.sub) fail('--sub is required');
if (!values.office?.length) fail('--office is required');
if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) fail(`--ttl must be an integer from 1 to 86400, not ${JSON.stringify(values.ttl)}`);

// A token for an office without forms on offer is valid, but its clerk will never see a case: say
// so. What is on offer is what the local stack's stage file offers (STAGE, STAGE_FILE, infra/local/stage.ts).
let officesWithForms: string[] | undefined;
let offeredBy = '';
try {
  const stage = localStageConfig();
  const catalogue = loadFormCatalogue(formsDir(), { verify: false });
  const offered = offeringOf(stage, catalogue, formsDir()).forms;
  officesWithForms = [...new Set(offered.map((id) => catalogue.get(id)?.office ?? ''))].filter(Boolean).sort();
  offeredBy = `of stage ${stage.name} (${displayPath(stage.file)}, forms from ${formsDir()})`;
} catch (error) {
  process.stderr.write(`warning: could not read the stage file and forms catalogue to check the offices (${error instanceof Error ? error.message : String(error)})\n`);
}
for (const office of officesWithForms ? values.office : []) {
  if (!officesWithForms?.includes(office)) {
    process.stderr.write(
      `warning: no form in the catalogue ${offeredBy} belongs to office ${JSON.stringify(office)}, so this clerk will see no cases there; offices with forms: ${officesWithForms?.join(', ')}\n`,
    );
  }
}
process.stdout.write(`${await mintToken(dataDir(), { sub: values.sub, offices: values.office, ttlSeconds: ttl })}\n`);
