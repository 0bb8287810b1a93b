/**
 * The product app as the infra project's global setup synthesized it (once per
 * run: esbuild bundling of every function, cdk-nag and template validation),
 * read back by the infra test files instead of each building the app again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';

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

export interface Synthesized {
  readonly template: Template;
  readonly report: ValidationReport;
}

let prodSynth: Synthesized | undefined;

/**
 * The prod app, synthesized with buildApp's cdk-nag packs and template validation, asset bundling skipped
 * (`aws:cdk:bundling-stacks` = []): its readers read no asset. Bundling does not depend on the stage — the dev
 * and prod templates name the same content-hashed bundles — and the infra global setup bundles every function
 * for dev. Synthesized once per test file, on first use, so that a failure fails the tests that need it.
 */
export function prodSynthesis(): Synthesized {
  if (!prodSynth) {
    const outdir = mkdtempSync(join(tmpdir(), 'tandem-synth-prod-'));
    try {
      const { app, stack } = buildApp({ outdir, context: { stage: 'prod', 'aws:cdk:bundling-stacks': [] } });
      app.synth(); // throws "Validation failed" on any unacknowledged finding
      prodSynth = {
        template: Template.fromJSON(JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8')) as Record<string, unknown>),
        report: readValidationReport(outdir),
      };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return prodSynth;
}
