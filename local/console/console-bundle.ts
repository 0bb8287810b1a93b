/**
 * The console page's bundle: console/src/ built by esbuild into console/dist/
 * (`npm run build:console`, run by `npm ci` / `npm install` through the
 * `prepare` script). The local runtime serves the files; it never builds them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CONSOLE_DIST = join(__dirname, '..', '..', 'console', 'dist');
/** The files the page needs, by the name the page asks for. */
export const CONSOLE_ASSETS = {
  'main.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;
export type ConsoleAsset = keyof typeof CONSOLE_ASSETS;

export const BUILD_HINT = 'npm run build:console (npm ci and npm install run it)';

/** The assets that are not built, if any. */
export function missingConsoleAssets(dist = CONSOLE_DIST): string[] {
  return Object.keys(CONSOLE_ASSETS).filter((name) => !existsSync(join(dist, name)));
}

/** Throws a sentence naming what is missing and the command that builds it. */
export function assertConsoleBuilt(dist = CONSOLE_DIST): void {
  const missing = missingConsoleAssets(dist);
  if (missing.length > 0) {
    throw new Error(`the operations console is not built (${missing.map((m) => join(dist, m)).join(', ')} missing); run ${BUILD_HINT}`);
  }
}

export function readConsoleAsset(name: ConsoleAsset, dist = CONSOLE_DIST): string | undefined {
  const path = join(dist, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
