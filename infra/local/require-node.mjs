// Plain JavaScript on purpose: it must run (and refuse clearly) on any Node, even one that
// cannot execute the project's TypeScript. `npm start` and `npm test` run it first.
import { fileURLToPath } from 'node:url';

export const REQUIRED_MAJOR = 24;

/** Why this Node cannot run the project, or undefined when it can. */
export function nodeProblem(version, execPath) {
  const major = Number(String(version).split('.')[0]);
  if (major >= REQUIRED_MAJOR) return undefined;
  return (
    `This project needs Node.js ${REQUIRED_MAJOR} or newer; this is Node.js ${version} (${execPath}).\n` +
    'Run it through npm (`npm start`, `npm test`) after `npm ci`: the devDependency `node@24` then puts Node 24 first on PATH.\n' +
    'Or install Node 24 yourself (see .nvmrc).\n'
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problem = nodeProblem(process.versions.node, process.execPath);
  if (problem) {
    process.stderr.write(problem);
    process.exit(1);
  }
}
