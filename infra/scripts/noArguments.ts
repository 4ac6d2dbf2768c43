/**
 * For a command that takes no arguments: `--help` (or `-h`) prints its usage and exits 0; any other
 * argument exits 2 with the usage on stderr; no arguments returns, and the command does its work.
 */
export function exitUnlessNoArguments(usage: string, args: readonly string[] = process.argv.slice(2)): void {
  if (args.length === 0) return;
  const help = args.every((arg) => arg === '--help' || arg === '-h');
  if (help) console.log(usage);
  else console.error(`unknown argument(s): ${args.join(' ')}\n${usage}`);
  process.exit(help ? 0 : 2);
}
