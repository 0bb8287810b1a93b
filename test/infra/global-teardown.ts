import { rmSync } from 'node:fs';
import { INFRA_ENV } from '../support/infra-template';

export default function globalTeardown(): void {
  const outdir = process.env[INFRA_ENV.cdkOut];
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}
