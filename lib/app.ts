import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AcknowledgementAudit } from './security/acknowledgement-audit';
import { stageConfig } from './stage-config';
import { Tandem360Stack } from './tandem-360-stack';

export const PROJECT_ROOT = join(__dirname, '..');

export interface BuildAppOptions {
  /** Where to write the cloud assembly. @default cdk.out when run by the CDK CLI */
  readonly outdir?: string;
  /** Extra context, e.g. `{ stage: 'prod' }`. */
  readonly context?: Record<string, unknown>;
}

/**
 * Builds the CDK app. `bin/tandem-360.ts` (run by the CDK CLI) and the local
 * runtime both call this, so both synthesize the same template from the same
 * code and the same feature flags (cdk.json's context).
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: Tandem360Stack } {
  const underCli = process.env.CDK_CONTEXT_JSON !== undefined;
  const context = underCli ? options.context : { ...cdkJsonContext(), ...options.context };
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), ...(context ? { context } : {}) });
  const config = stageConfig(app.node.tryGetContext('stage'));

  const stack = new Tandem360Stack(app, `Tandem360-${config.stage}`, {
    config,
    description: `Tandem 360 customer-management workflows (${config.stage})`,
  });
  Tags.of(app).add('project', 'tandem-360');
  Tags.of(app).add('stage', config.stage);

  // The audit runs the same packs again to find acknowledgements that no finding matches any more.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new AcknowledgementAudit(() => [new AwsSolutionsChecks(), new ServerlessChecks()]),
  );
  return { app, stack };
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
