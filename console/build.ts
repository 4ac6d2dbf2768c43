import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFrontEnd, buildFrontEndInto, contentTypeOf, type BuiltFile } from './shared/build.ts';

/**
 * The console's build (shared/build.ts, the same as the portal's): `src/main.ts` into `app.js`,
 * the styles into `app.css`, next to `index.html`.
 */
export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));

export type ConsoleFile = BuiltFile;
export { contentTypeOf };

/** The built console in memory, by path below the console's root (`index.html`, `app.js`, ...). */
export const buildConsole = (): Promise<Map<string, ConsoleFile>> => buildFrontEnd({ dir: CONSOLE_DIR });

/** The built console written to `outdir` (emptied first): what the CDK stack uploads. */
export const buildConsoleInto = (outdir: string): string => buildFrontEndInto({ dir: CONSOLE_DIR }, outdir);
