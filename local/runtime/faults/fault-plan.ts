/**
 * What faults the local runtime injects into handler and workflow traffic, and
 * how often: each share is the probability (0..1) that one call meets the fault,
 * drawn from a PRNG seeded with `seed`, so a run can be repeated.
 *
 * Spec form (for `npm start -- --faults <spec>` / TANDEM_FAULTS):
 * `dynamodb.throttle=0.05,dynamodb.error=0.02,sns.publishError=0.1,lambda.lostResponse=0.05,seed=42`.
 */

export interface FaultPlan {
  readonly dynamodb?: {
    /** Calls answered with DynamoDB's 400 ProvisionedThroughputExceededException. */
    readonly throttle?: number;
    /** Calls answered with DynamoDB's 500 InternalServerError. */
    readonly error?: number;
  };
  /** Publish calls (SMS and topic) answered with SNS's 500 InternalError. */
  readonly sns?: { readonly publishError?: number };
  /** Invocations whose handler runs to completion but whose caller gets Lambda's timeout error instead of the result. */
  readonly lambda?: { readonly lostResponse?: number };
  /** Seed of the PRNG that decides which calls fail; default 1. */
  readonly seed?: number;
}

/** The plan's shares, each 0 where the plan names none. */
export interface FaultShares {
  readonly 'dynamodb.throttle': number;
  readonly 'dynamodb.error': number;
  readonly 'sns.publishError': number;
  readonly 'lambda.lostResponse': number;
}

export type FaultKind = keyof FaultShares;

export const FAULT_KINDS = ['dynamodb.throttle', 'dynamodb.error', 'sns.publishError', 'lambda.lostResponse'] as const satisfies readonly FaultKind[];

export const DEFAULT_FAULT_SEED = 1;

/** The shares and seed of a plan, checked: every share in 0..1, DynamoDB's two together at most 1, the seed a non-negative integer. */
export function faultShares(plan: FaultPlan): { shares: FaultShares; seed: number } {
  const shares: FaultShares = {
    'dynamodb.throttle': plan.dynamodb?.throttle ?? 0,
    'dynamodb.error': plan.dynamodb?.error ?? 0,
    'sns.publishError': plan.sns?.publishError ?? 0,
    'lambda.lostResponse': plan.lambda?.lostResponse ?? 0,
  };
  for (const kind of FAULT_KINDS) {
    const share = shares[kind];
    if (!Number.isFinite(share) || share < 0 || share > 1) throw new Error(`fault ${kind} must be a share from 0 to 1, got ${share}`);
  }
  if (shares['dynamodb.throttle'] + shares['dynamodb.error'] > 1) {
    throw new Error('faults dynamodb.throttle and dynamodb.error together must be at most 1 (one call meets one fault)');
  }
  const seed = plan.seed ?? DEFAULT_FAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`fault seed must be a non-negative integer, got ${seed}`);
  return { shares, seed };
}

/** Reads a spec; a bad key or value is an error that names it. */
export function parseFaultSpec(spec: string): FaultPlan {
  const seen = new Set<string>();
  const shares: Partial<Record<FaultKind, number>> = {};
  let seed: number | undefined;
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new Error('the fault spec is empty; give e.g. dynamodb.error=0.02,seed=42');
  for (const entry of entries) {
    if (entry === '') continue;
    const match = /^([A-Za-z.]+)=(.*)$/.exec(entry);
    if (!match) throw new Error(`fault spec entry '${entry}' must look like <key>=<value>`);
    const [, name = '', value = ''] = match;
    if (seen.has(name)) throw new Error(`fault '${name}' is given twice`);
    seen.add(name);
    if (name === 'seed') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new Error(`fault seed must be a non-negative integer, got '${value}'`);
      seed = Number(value);
      continue;
    }
    const kind = FAULT_KINDS.find((k) => k === name);
    if (!kind) throw new Error(`unknown fault '${name}' (known: ${[...FAULT_KINDS, 'seed'].join(', ')})`);
    const share = Number(value);
    if (!/^(0|1|0?\.\d+|1\.0*)$/.test(value) || share > 1) throw new Error(`fault ${kind} must be a share from 0 to 1, got '${value}'`);
    shares[kind] = share;
  }
  const plan: FaultPlan = {
    ...((shares['dynamodb.throttle'] !== undefined || shares['dynamodb.error'] !== undefined) && {
      dynamodb: {
        ...(shares['dynamodb.throttle'] !== undefined && { throttle: shares['dynamodb.throttle'] }),
        ...(shares['dynamodb.error'] !== undefined && { error: shares['dynamodb.error'] }),
      },
    }),
    ...(shares['sns.publishError'] !== undefined && { sns: { publishError: shares['sns.publishError'] } }),
    ...(shares['lambda.lostResponse'] !== undefined && { lambda: { lostResponse: shares['lambda.lostResponse'] } }),
    ...(seed !== undefined && { seed }),
  };
  faultShares(plan); // the combined checks (DynamoDB's two shares together)
  return plan;
}

/** One line for the console: `dynamodb.throttle=0.05, … (seed 42)`, only the faults that can happen. */
export function describeFaultPlan(plan: FaultPlan): string {
  const { shares, seed } = faultShares(plan);
  const active = FAULT_KINDS.filter((kind) => shares[kind] > 0).map((kind) => `${kind}=${shares[kind]}`);
  return `${active.length > 0 ? active.join(', ') : 'none'} (seed ${seed})`;
}
