/**
 * One cold start, measured: a fresh `node` process whose loader times the
 * import of a module until its exported handler is a function (Lambda's init
 * phase for the module), and the parent times the process from spawn to exit.
 * Processes run one at a time so they do not compete for the CPU.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ColdStart {
  /** From the start of the import to a handler function, in the process. */
  readonly initMs: number;
  /** From spawn to exit, seen by the parent. */
  readonly wallMs: number;
}

/** CommonJS, no dependencies: `require` for a CommonJS bundle, `import()` for an ES module; nothing when no module is named (a bare process). */
const LOADER = `'use strict';
const { performance } = require('node:perf_hooks');
const { pathToFileURL } = require('node:url');
const file = process.argv[2];
const isEsm = (f) => f.endsWith('.mjs');
(async () => {
  const start = performance.now();
  let ready = true;
  if (file) {
    const mod = isEsm(file) ? await import(pathToFileURL(file).href) : require(file);
    ready = typeof mod.handler === 'function';
  }
  const initMs = performance.now() - start;
  process.stdout.write(JSON.stringify({ initMs, ready }));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

export function writeLoader(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'loader.cjs');
  writeFileSync(file, LOADER);
  return file;
}

export function coldStart(loader: string, moduleFile: string | undefined, env: Readonly<Record<string, string>>, nodeArgs: readonly string[] = []): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeArgs, loader, ...(moduleFile ? [moduleFile] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${moduleFile ?? 'bare node'} failed to load (exit ${code}): ${err.slice(0, 800)}`));
      const result = JSON.parse(out) as { initMs: number; ready: boolean };
      if (!result.ready) return reject(new Error(`${moduleFile}: its handler export is not a function`));
      resolve({ initMs: result.initMs, wallMs });
    });
  });
}
