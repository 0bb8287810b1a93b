/**
 * Per-stage settings, chosen with `-c stage=dev|prod`. The one config loader of
 * the CDK app: constructs receive these values as props, never read context.
 */
export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export interface StageConfig {
  readonly stage: StageName;
  /** Protect data from `cdk destroy` and accidental deletes. */
  readonly retainData: boolean;
}

const CONFIG: Record<StageName, StageConfig> = {
  dev: { stage: 'dev', retainData: false },
  prod: { stage: 'prod', retainData: true },
};

export function stageConfig(stage: unknown): StageConfig {
  const name = stage === undefined ? 'dev' : stage;
  if (typeof name !== 'string' || !(STAGES as readonly string[]).includes(name)) {
    throw new Error(`context 'stage' must be one of ${STAGES.join(', ')}, got ${JSON.stringify(stage)}`);
  }
  return CONFIG[name as StageName];
}
