// Plain JavaScript on purpose: it must run (and refuse clearly) on any Node, even one that
// cannot execute the project's TypeScript.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `This project needs Node.js 24 or newer; this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      'Run it through npm (`npm start`, `npm test`) after `npm ci`: the devDependency `node@24` then puts Node 24 first on PATH.\n' +
      'Or install Node 24 yourself (see .nvmrc).\n',
  );
  process.exit(1);
}
