/**
 * What a synthesis of the CDK app is made from, as one fingerprint: a kept
 * cloud assembly (cloud-assembly.ts) is reused only while it is unchanged.
 * Kept apart from cloud-assembly.ts so it loads without aws-cdk-lib.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The project root: the folder above local/. */
const PROJECT_ROOT = join(__dirname, '..');

/** Project folders and files a synthesis never reads: tests, docs, caches, local data and build outputs. */
const NOT_INPUTS = new Set(['node_modules', '.git', '.cache', '.local-data', 'coverage', 'reports', 'test', 'docs', 'dist']);

/**
 * The fingerprint of everything a synthesis could depend on: every project
 * file outside NOT_INPUTS and cloud assemblies (lib/, functions/, workflows/,
 * bin/, package-lock.json for the installed packages, cdk.json, tsconfig.json —
 * and, to be safe rather than exact, the rest of the sources too), the extra
 * context and the Node version. Paths and contents both count.
 */
export function synthesisInputs(context: Record<string, unknown> = {}, root: string = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  // The context buildApp ends up with (cdk.json's, then the extra): `{ stage: 'dev' }` and `{}` synthesize the same app.
  const effective = { ...(JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context?: object }).context, ...context };
  hash.update(JSON.stringify({ node: process.versions.node, context: effective, cdkContextJson: process.env.CDK_CONTEXT_JSON ?? null }));
  for (const file of inputFiles(root)) hash.update(`\0${relative(root, file).split(sep).join('/')}\0${fileHash(file)}`);
  return hash.digest('hex');
}

function inputFiles(dir: string, withFolders = false): string[] {
  const files: string[] = withFolders ? [dir] : [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (NOT_INPUTS.has(entry.name) || entry.name.startsWith('cdk.out')) continue;
      files.push(...inputFiles(path, withFolders));
    } else if (entry.isFile() && !/\.(md|log)$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** Whether an input file was written, or a file added to or removed from an input folder, at or after `time` (ms). */
export function inputsChangedSince(time: number, root: string = PROJECT_ROOT): boolean {
  return inputFiles(root, true).some((path) => statSync(path).ctimeMs >= time);
}

export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
