import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/app';

/**
 * A temporary folder inside the project's git-ignored .cache/. Synthesized
 * bundles mark the AWS SDK external (Lambda's runtime provides it); inside the
 * project, Node resolves it from the project's node_modules, as Lambda would.
 */
export function projectTempDir(prefix: string): string {
  const base = join(PROJECT_ROOT, '.cache', 'tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}
