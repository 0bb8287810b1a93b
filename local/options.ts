/**
 * Command-line and environment options of the local runtime. Flags win over
 * environment variables, which win over defaults.
 */
export interface LocalOptions {
  /** Port of DynamoDB Local; `0` picks a free one. */
  readonly dynamoDbPort: number;
}

const DEFAULTS: LocalOptions = { dynamoDbPort: 8000 };

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LocalOptions {
  let dynamoDbPort = env.TANDEM_DYNAMODB_PORT === undefined ? DEFAULTS.dynamoDbPort : port('TANDEM_DYNAMODB_PORT', env.TANDEM_DYNAMODB_PORT);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.split('=', 2);
    const value = inline ?? argv[++i];
    switch (flag) {
      case '--dynamodb-port':
        dynamoDbPort = port(flag, value);
        break;
      default:
        throw new Error(`unknown option ${arg}; known: --dynamodb-port=<port>`);
    }
  }
  return { dynamoDbPort };
}

function port(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name} must be a port number 0–65535, got ${JSON.stringify(value)}`);
  }
  return n;
}
