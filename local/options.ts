/**
 * Command-line and environment options of the local runtime (`npm start -- --help`).
 * Flags win over environment variables, which win over defaults.
 */
import { join } from 'node:path';
import { parseFaultSpec, type FaultPlan } from './runtime/faults/fault-plan';

export interface LocalOptions {
  /** Port of DynamoDB Local; `0` picks a free one. */
  readonly dynamoDbPort: number;
  /** Port of the AWS API endpoint (Step Functions, SNS, CloudFormation). */
  readonly awsPort: number;
  /** Port of the stack's REST APIs. */
  readonly apiPort: number;
  /** Wait states, retries and timeouts last this fraction of their declared time. */
  readonly timeScale: number;
  /** Where DynamoDB Local keeps its data between runs; undefined with --in-memory. */
  readonly dataDir: string | undefined;
  /** Replay the story (a request reserved, one escalated and decided) once the runtime is up. */
  readonly demo: boolean;
  /** Faults injected into the stack's DynamoDB, SNS Publish and Lambda traffic (docs/failure-model.md); undefined: none. */
  readonly faults: FaultPlan | undefined;
  readonly help: boolean;
}

interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly describe: string;
}

const SPECS = {
  dynamoDbPort: { flag: '--dynamodb-port', env: 'TANDEM_DYNAMODB_PORT', describe: 'DynamoDB Local port (default 8000; 0 = any free port)' },
  awsPort: { flag: '--aws-port', env: 'TANDEM_AWS_PORT', describe: 'Step Functions + SNS endpoint port (default 4566)' },
  apiPort: { flag: '--api-port', env: 'TANDEM_API_PORT', describe: 'REST API port (default 3000)' },
  timeScale: { flag: '--time-scale', env: 'TANDEM_TIME_SCALE', describe: 'compress waits, retries and timeouts, e.g. 0.001 (default 1)' },
  dataDir: { flag: '--data-dir', env: 'TANDEM_DATA_DIR', describe: 'where DynamoDB Local keeps data (default .local-data/)' },
  faults: {
    flag: '--faults',
    env: 'TANDEM_FAULTS',
    describe:
      'inject faults, shares 0–1 with a seed, e.g. dynamodb.throttle=0.05,dynamodb.error=0.02,sns.publishError=0.1,lambda.lostResponse=0.05,seed=42 (default none)',
  },
} as const satisfies Record<string, OptionSpec>;

export function usage(): string {
  const lines = Object.values(SPECS).map((s) => `  ${`${s.flag}=<value>`.padEnd(24)} ${s.describe}  [${s.env}]`);
  return [
    'Usage: npm start -- [options]',
    ...lines,
    `  ${'--in-memory'.padEnd(24)} keep no data between runs`,
    `  ${'--no-demo'.padEnd(24)} do not replay the story at start  [TANDEM_DEMO=0]`,
    `  ${'--help'.padEnd(24)} this text`,
  ].join('\n');
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string): LocalOptions {
  const raw = new Map<keyof typeof SPECS, string>();
  for (const [key, spec] of Object.entries(SPECS) as [keyof typeof SPECS, OptionSpec][]) {
    const value = env[spec.env];
    if (value !== undefined && value !== '') raw.set(key, value);
  }
  let inMemory = false;
  let help = false;
  let demo = env.TANDEM_DEMO !== '0';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--in-memory') {
      inMemory = true;
      continue;
    }
    if (arg === '--no-demo') {
      demo = false;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    const key = (Object.keys(SPECS) as (keyof typeof SPECS)[]).find((k) => SPECS[k].flag === flag);
    if (!key) throw new Error(`unknown option ${arg}\n${usage()}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    raw.set(key, value);
  }
  return {
    dynamoDbPort: port(SPECS.dynamoDbPort.flag, raw.get('dynamoDbPort') ?? '8000'),
    awsPort: port(SPECS.awsPort.flag, raw.get('awsPort') ?? '4566'),
    apiPort: port(SPECS.apiPort.flag, raw.get('apiPort') ?? '3000'),
    timeScale: scale(raw.get('timeScale') ?? '1'),
    dataDir: inMemory ? undefined : (raw.get('dataDir') ?? join(projectRoot, '.local-data')),
    demo,
    faults: faults(raw.get('faults')),
    help,
  };
}

function faults(spec: string | undefined): FaultPlan | undefined {
  if (spec === undefined) return undefined;
  try {
    return parseFaultSpec(spec);
  } catch (error) {
    throw new Error(`${SPECS.faults.flag}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function port(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new Error(`${name} must be a port number 0–65535, got ${JSON.stringify(value)}`);
  return n;
}

function scale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) {
    throw new Error(`${SPECS.timeScale.flag} must be a number greater than 0 and at most 1, got ${JSON.stringify(value)}`);
  }
  return n;
}
