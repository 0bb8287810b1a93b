/**
 * The synthesized CDK template is the single source of truth for the local
 * runtime: this module synthesizes the app (the same `buildApp` the CDK CLI
 * runs) and reads the stack template back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, PROJECT_ROOT } from '../lib/app';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface StackTemplate {
  readonly stackName: string;
  readonly resources: Record<string, CfnResource>;
}

export const DEFAULT_OUTDIR = join(PROJECT_ROOT, 'cdk.out');

/** Synthesizes the app into `outdir` and returns the stack's template. */
export function synthesize(outdir: string = DEFAULT_OUTDIR, context: Record<string, unknown> = {}): StackTemplate {
  const { app, stack } = buildApp({ outdir, context });
  app.synth();
  return readStackTemplate(outdir, stack.stackName);
}

export function readStackTemplate(outdir: string, stackName: string): StackTemplate {
  const path = join(outdir, `${stackName}.template.json`);
  const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, CfnResource> };
  return { stackName, resources: template.Resources ?? {} };
}
