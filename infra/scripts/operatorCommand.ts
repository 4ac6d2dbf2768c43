import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { StackInfo } from '../local/stack.ts';
import { dataDir } from '../local/paths.ts';

/**
 * What the operators' commands against a stack share (`npm run delivery`, `npm run audit`): one
 * command word, `--stage`/`--region` to name a deployed stack (the local stack by default), `--help`,
 * and exit code 2 with the usage on stderr for anything else.
 */

const STACK_OPTIONS = { stage: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** Writes the message and the usage to stderr and exits 2 (usage). */
export function usageFailure(usage: string): (message: string) => never {
  return (message) => {
    process.stderr.write(`${message}\n${usage}\n`);
    process.exit(2);
  };
}

/** The option values of a command with the command's own `O` and the stack options. */
type OptionValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O & typeof STACK_OPTIONS; allowPositionals: true; strict: true }>>['values'];

/** Parses `<command> [options]`: one of `commands`, the command's own `options` and the stack options; prints the usage for --help. */
export function parseOperatorCommand<const C extends string, const O extends ParseArgsOptionsConfig>(
  usage: string,
  commands: readonly C[],
  options: O,
): { command: C; values: OptionValues<O>; fail: (message: string) => never } {
  const fail: (message: string) => never = usageFailure(usage);
  let parsed;
  try {
    parsed = parseArgs({ options: { ...options, ...STACK_OPTIONS }, allowPositionals: true, strict: true });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as OptionValues<O>;
  const { positionals } = parsed;
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const command = positionals[0] as C;
  if (positionals.length !== 1 || !commands.includes(command)) fail(`name one command: ${commands.join(' or ')}`);
  return { command, values, fail };
}

/** The running local stack's `stack.json` (npm start; LOCAL_DATA_DIR), or the usage failure that says to start it. */
export function localStackInfo(fail: (message: string) => never): StackInfo {
  const file = join(dataDir(), 'stack.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  } catch {
    return fail(`no running local stack (${file}): start it with npm start, or name a deployed stage with --stage`);
  }
}

/** Reads the deployed stage's stack outputs with the AWS CLI and the caller's credentials. */
export async function stackOutputs(stage: string, region: string | undefined): Promise<(key: string) => string> {
  // Loaded only here: the CDK library is slow to load, and the local case does not need it.
  const { stackName } = await import('../stack.ts');
  return (key) =>
    execFileSync('aws', ['cloudformation', 'describe-stacks', '--stack-name', stackName(stage), ...(region ? ['--region', region] : []), '--query', `Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue`, '--output', 'text'], {
      encoding: 'utf8',
    }).trim();
}
