/**
 * What a function's code can ask of AWS: the AWS SDK v3 commands it references
 * and, for DynamoDB transactions, which item operations it puts in them, read
 * from its code bundled as it is deployed (lib/functions/bundling.ts) but with
 * the SDK kept external, so `<module>.<Name>Command` stays readable after
 * minification. The deployed bundle holds the SDK itself, whose own code names
 * every transaction item and more commands than the function calls.
 * Module-grained: a bundle holds whole modules, so this is an upper bound of
 * what the code calls — a grant outside it can never be used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '../../lib/app';
import { tandemEsbuildOptions } from '../../lib/functions/bundling';

/** SDK command → the IAM actions it needs. The document client's commands are DynamoDB's item operations. */
const COMMAND_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  GetCommand: ['dynamodb:GetItem'],
  GetItemCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  PutItemCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  UpdateItemCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  DeleteItemCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactGetCommand: ['dynamodb:GetItem'],
  // A transaction needs the action of each item operation in it (see TRANSACTION_ITEMS), not an action of its own.
  TransactWriteCommand: [],
  PublishCommand: ['sns:Publish'],
  CheckIfPhoneNumberIsOptedOutCommand: ['sns:CheckIfPhoneNumberIsOptedOut'],
  CreateTopicCommand: ['sns:CreateTopic'],
  DeleteTopicCommand: ['sns:DeleteTopic'],
  SubscribeCommand: ['sns:Subscribe'],
  UnsubscribeCommand: ['sns:Unsubscribe'],
  GetTopicAttributesCommand: ['sns:GetTopicAttributes'],
  SetTopicAttributesCommand: ['sns:SetTopicAttributes'],
  GetSubscriptionAttributesCommand: ['sns:GetSubscriptionAttributes'],
  SetSubscriptionAttributesCommand: ['sns:SetSubscriptionAttributes'],
  ListSubscriptionsByTopicCommand: ['sns:ListSubscriptionsByTopic'],
  StartExecutionCommand: ['states:StartExecution'],
  DescribeExecutionCommand: ['states:DescribeExecution'],
  SendTaskSuccessCommand: ['states:SendTaskSuccess'],
  SendTaskFailureCommand: ['states:SendTaskFailure'],
  SendTaskHeartbeatCommand: ['states:SendTaskHeartbeat'],
};

const TRANSACTION_ITEMS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

export interface BundleCalls {
  /** The IAM actions the bundle's SDK calls need. */
  readonly actions: ReadonlySet<string>;
  /** Command names found that this table does not know (a new SDK call: map it above). */
  readonly unknownCommands: readonly string[];
}

/** From the function's entry module (the template's `tandem:entry` metadata), relative to the project. */
export function sdkCallsOfEntry(entry: string): BundleCalls {
  const built = buildSync({
    ...tandemEsbuildOptions(PROJECT_ROOT),
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile: 'index.js',
    external: ['@aws-sdk/*'],
    sourcemap: false,
    write: false,
  });
  return sdkCallsOfSource(built.outputFiles[0]!.text);
}

/** From a bundle that keeps the SDK external. */
export function sdkCallsOfBundle(codeDir: string): BundleCalls {
  return sdkCallsOfSource(readFileSync(join(codeDir, 'index.js'), 'utf8'));
}

function sdkCallsOfSource(source: string): BundleCalls {
  const commands = new Set([...source.matchAll(/\.([A-Z][A-Za-z]+Command)\b/g)].map((m) => m[1]!));
  const actions = new Set<string>();
  const unknownCommands: string[] = [];
  for (const command of commands) {
    const needed = COMMAND_ACTIONS[command];
    if (needed) needed.forEach((a) => actions.add(a));
    else unknownCommands.push(command);
  }
  if (commands.has('TransactWriteCommand')) {
    for (const [key, action] of Object.entries(TRANSACTION_ITEMS)) if (new RegExp(`[{,]${key}:`).test(source)) actions.add(action);
  }
  return { actions, unknownCommands: unknownCommands.sort() };
}
