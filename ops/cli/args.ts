/**
 * The `tandem` command line, parsed with node:util parseArgs into one typed
 * command. A usage mistake is a UsageError whose message says what is wrong;
 * nothing is looked up before the arguments are known to be right.
 */
import { parseArgs } from 'node:util';
import { OpsError } from '../ops-error';

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

export const USAGE = `Usage: tandem <command> [options]    (npx tandem … in this repository)

Commands
  submit <file.json|->                      submit a customer request (POST /requests) from a file or stdin
  request <requestId>                       the request: status, holds, notifications, decisions, timeline, execution
  executions [--workflow <name>] [--status <status>] [--limit <n>]
                                            workflow executions, newest first (status: ${EXECUTION_STATUSES.join(', ')})
  decide <ref-or-link> --answer <answer>    answer a decision task as the SMS/email link does (POST …/tasks/<ref>/decision)
  decide --request <requestId> --answer <answer>
                                            … the open decision of a request (found in the table)
      <answer>: an outcome (sourced, alternative, declined, approve, reject, …) with --store <id>, --reason <text>,
                --sku <sku> --quantity <n> [--note <text>]; or the whole answer as JSON, e.g. '{"action":"handover-now"}'
  outbox [--request <id> | --customer <id>] [--since <minutes>] [--limit <n>] [--follow]
                                            the notifications log: who was told what, on which channel, when
                                            (without --request/--customer: requests created in the last --since minutes, default 1440)

Options for every command
  --stage <name>   the stage (stack Tandem360-<name>); default $TANDEM_STAGE or dev
  --json           machine-readable output
  -h, --help       this text

The stage is found by its CloudFormation outputs with the default AWS credentials and region. Locally, export the
AWS_ENDPOINT_URL_* variables \`npm start\` prints; after a deploy, use credentials for the stage's account.`;

export class UsageError extends OpsError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommonOptions {
  readonly stage: string;
  readonly json: boolean;
}

export type Command =
  | { readonly name: 'help' }
  | ({ readonly name: 'submit'; readonly source: string } & CommonOptions)
  | ({ readonly name: 'request'; readonly requestId: string } & CommonOptions)
  | ({ readonly name: 'executions'; readonly workflow?: string; readonly status?: (typeof EXECUTION_STATUSES)[number]; readonly limit: number } & CommonOptions)
  | ({ readonly name: 'decide'; readonly target: { readonly refOrLink: string } | { readonly requestId: string }; readonly answer: Record<string, unknown> } & CommonOptions)
  | ({
      readonly name: 'outbox';
      readonly scope: { readonly requestId: string } | { readonly customerId: string } | { readonly sinceMinutes: number; readonly limit: number };
      readonly follow: boolean;
    } & CommonOptions);

const OPTIONS = {
  stage: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  workflow: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  answer: { type: 'string' },
  store: { type: 'string' },
  reason: { type: 'string' },
  sku: { type: 'string' },
  quantity: { type: 'string' },
  note: { type: 'string' },
  request: { type: 'string' },
  customer: { type: 'string' },
  since: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
} as const;

/** Which options each command takes (besides --stage, --json, --help). */
const ALLOWED: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  submit: [],
  request: [],
  executions: ['workflow', 'status', 'limit'],
  decide: ['answer', 'store', 'reason', 'sku', 'quantity', 'note', 'request'],
  outbox: ['request', 'customer', 'since', 'limit', 'follow'],
};

export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || name === undefined || name === 'help') return { name: 'help' };
  const allowed = ALLOWED[name];
  if (!allowed) throw new UsageError(`unknown command '${name}'; the commands are ${Object.keys(ALLOWED).join(', ')}`);
  for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (!['stage', 'json', 'help', ...allowed].includes(option)) throw new UsageError(`${name} takes no --${option}`);
  }
  const common: CommonOptions = { stage: values.stage ?? env.TANDEM_STAGE ?? 'dev', json: values.json ?? false };
  const positional = (what: string, max = 1): string | undefined => {
    if (rest.length > max) throw new UsageError(`${name} takes ${max === 0 ? 'no' : `one`} argument${max === 0 ? 's' : ` (${what})`}, got ${rest.length}: ${rest.join(' ')}`);
    return rest[0];
  };
  const required = (what: string): string => {
    const value = positional(what);
    if (value === undefined || value === '') throw new UsageError(`${name} needs ${what}`);
    return value;
  };

  switch (name) {
    case 'submit':
      return { name, source: required('a JSON file, or - for stdin'), ...common };
    case 'request':
      return { name, requestId: required('a request id'), ...common };
    case 'executions': {
      positional('', 0);
      const status = values.status?.toUpperCase();
      if (status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
        throw new UsageError(`--status must be one of ${EXECUTION_STATUSES.join(', ')}, got '${values.status}'`);
      }
      return {
        name,
        ...(values.workflow ? { workflow: values.workflow } : {}),
        ...(status ? { status: status as (typeof EXECUTION_STATUSES)[number] } : {}),
        limit: count('--limit', values.limit, 20),
        ...common,
      };
    }
    case 'decide': {
      const refOrLink = positional('a decision reference or link');
      if ((refOrLink === undefined) === (values.request === undefined)) throw new UsageError('decide needs a decision reference or link, or --request <requestId> (one of them)');
      if (values.answer === undefined) throw new UsageError('decide needs --answer, e.g. --answer sourced --store S004, or --answer \'{"outcome":"approve"}\'');
      return { name, target: refOrLink !== undefined ? { refOrLink } : { requestId: values.request! }, answer: answerOf(values), ...common };
    }
    default: {
      positional('', 0);
      if (values.request !== undefined && values.customer !== undefined) throw new UsageError('outbox takes --request or --customer, not both');
      const scope =
        values.request !== undefined
          ? { requestId: values.request }
          : values.customer !== undefined
            ? { customerId: values.customer }
            : { sinceMinutes: count('--since', values.since, 1440), limit: count('--limit', values.limit, 50) };
      return { name: 'outbox', scope, follow: values.follow ?? false, ...common };
    }
  }
}

/** `--answer` as JSON, or an outcome word with the fields its options give. */
function answerOf(values: { answer?: string; store?: string; reason?: string; sku?: string; quantity?: string; note?: string }): Record<string, unknown> {
  const text = values.answer!.trim();
  if (text.startsWith('{')) {
    if (values.store ?? values.reason ?? values.sku ?? values.quantity ?? values.note) throw new UsageError('a JSON --answer carries all its fields; leave out --store, --reason, --sku, --quantity and --note');
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new UsageError(`--answer is not a JSON object: ${text}`);
  }
  if (!/^[a-z][a-z-]*$/.test(text)) throw new UsageError(`--answer must be an outcome such as sourced, alternative or declined, or a JSON object; got '${text}'`);
  return {
    outcome: text,
    ...(values.store !== undefined ? { storeId: values.store } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    ...(values.sku !== undefined ? { sku: values.sku } : {}),
    ...(values.quantity !== undefined ? { quantity: count('--quantity', values.quantity, 0, true) } : {}),
    ...(values.note !== undefined ? { note: values.note } : {}),
  };
}

function count(option: string, value: string | undefined, fallback: number, fraction = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0) || (!fraction && !Number.isInteger(n))) throw new UsageError(`${option} must be a ${fraction ? 'number' : 'whole number'} above 0, got '${value}'`);
  return n;
}
