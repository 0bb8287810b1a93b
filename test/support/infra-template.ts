/**
 * The product app as the infra project's global setup synthesized it (once per
 * run: esbuild bundling of every function, cdk-nag and template validation),
 * read back by the infra test files instead of each building the app again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';

/** Environment variables through which test/infra/global-setup.ts hands the cloud assembly to the test files. */
export const INFRA_ENV = {
  cdkOut: 'TANDEM_INFRA_CDK_OUT',
  templateFile: 'TANDEM_INFRA_TEMPLATE_FILE',
} as const;

export interface ValidationReport {
  readonly pluginReports: { readonly pluginName: string; readonly violations?: unknown[] }[];
}

function infraEnv(name: keyof typeof INFRA_ENV): string {
  const value = process.env[INFRA_ENV[name]];
  if (!value) throw new Error(`${INFRA_ENV[name]} is not set: run this test through the jest 'infra' project (its globalSetup synthesizes the app)`);
  return value;
}

/** The cloud assembly directory of the synthesized dev app. */
export function devCdkOut(): string {
  return infraEnv('cdkOut');
}

let devTemplateCache: Template | undefined;

/** The dev stack's template, as `Template.fromStack(buildApp({ context: { stage: 'dev' } }).stack)` would give it. */
export function devTemplate(): Template {
  devTemplateCache ??= Template.fromJSON(JSON.parse(readFileSync(join(devCdkOut(), infraEnv('templateFile')), 'utf8')) as Record<string, unknown>);
  return devTemplateCache;
}

/** The validation report (cdk-nag and CDK's template validation) a synthesis wrote into its cloud assembly. */
export function readValidationReport(outdir: string): ValidationReport {
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
}
