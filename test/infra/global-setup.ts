// Synthesizes the product app (dev stage) once for the whole infra project, the
// way `cdk synth` does: every function bundled by esbuild, and the cdk-nag packs
// and template validation that buildApp adds run on synthesis. A finding that is
// not acknowledged makes the synthesis throw, and with it this setup: the run
// stops here, naming the finding. Test files read the template back
// (test/support/infra-template.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../lib/app';
import { INFRA_ENV } from '../support/infra-template';

export default function globalSetup(): void {
  const outdir = mkdtempSync(join(tmpdir(), 'tandem-infra-cdk-out-'));
  let templateFile: string;
  try {
    const { app, stack } = buildApp({ outdir, context: { stage: 'dev' } }); // bundles every function
    app.synth(); // runs cdk-nag and template validation
    templateFile = stack.templateFile;
  } catch (error) {
    // The outdir stays: the error names the validation report in it.
    throw new Error(`infra global setup: the dev app does not synthesize (bundling, cdk-nag or template validation), so no infra test can run:\n${String(error)}`, {
      cause: error,
    });
  }
  process.env[INFRA_ENV.cdkOut] = outdir;
  process.env[INFRA_ENV.templateFile] = templateFile;
}
