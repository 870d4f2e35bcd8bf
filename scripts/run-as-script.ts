import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs `main` when the module is the command itself (`tsx scripts/x.ts`), not when a test imports it. A number it
 * returns is the exit code; a throw prints the error (its stack unless `messageOnly`) and exits 1.
 */
export function runAsScript(moduleUrl: string, main: () => Promise<number | void>, options: { messageOnly?: boolean } = {}): void {
  const invokedDirectly = process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
  if (!invokedDirectly) return;
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (options.messageOnly ? error.message : error.stack) : error);
      process.exitCode = 1;
    },
  );
}
