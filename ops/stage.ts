/**
 * A stage, found the AWS way: `--stage dev` → the CloudFormation stack
 * `Tandem360-dev` (lib/app.ts names it so) → its outputs → a typed connection
 * (API URL, table, every workflow's state machine) with clients that use the
 * default credential provider chain and region. The same code runs against the
 * local runtime (with the AWS_ENDPOINT_URL_* variables `npm start` prints) and
 * against a deployed stage (with the operator's AWS credentials).
 */
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STAGES } from '../lib/stage-config';
import { OpsError } from './ops-error';

/** The stack name of a stage, as lib/app.ts builds it. */
export const stackNameOf = (stage: string): string => `Tandem360-${stage}`;

/** Outputs every stage has (lib/tandem-360-stack.ts); each workflow adds `<Workflow>StateMachineArn`. */
const OUTPUT = { apiUrl: 'StoreApiUrl', tableName: 'TableName' } as const;
const WORKFLOW_OUTPUT = /^(.+)StateMachineArn$/;

type CredentialProvider = CloudFormationClient['config']['credentials'];
export type AwsCredentials = Awaited<ReturnType<CredentialProvider>>;

export interface Workflow {
  /** As the stack names it: CustomerRequests, Onboarding, PriceRequests, FollowUps, … */
  readonly name: string;
  readonly stateMachineArn: string;
}

export interface StageConnection {
  readonly stage: string;
  readonly stackName: string;
  readonly region: string;
  /** The store API's base URL without a trailing slash, e.g. `https://abc.execute-api.eu-central-1.amazonaws.com/v1`. */
  readonly apiUrl: string;
  readonly tableName: string;
  readonly workflows: readonly Workflow[];
  readonly credentials: () => Promise<AwsCredentials>;
  readonly sfn: SFNClient;
  readonly doc: DynamoDBDocumentClient;
  destroy(): void;
}

/** Looks the stage's stack up and connects to it; a missing stack or output is an OpsError saying which. */
export async function connectStage(stage: string): Promise<StageConnection> {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stage)) throw new OpsError(`--stage must be a stage name such as ${STAGES.join(' or ')}, got '${stage}'`);
  const stackName = stackNameOf(stage);
  const cloudFormation = new CloudFormationClient({});
  let outputs: Output[];
  let region: string;
  let credentials: CredentialProvider;
  try {
    region = await cloudFormation.config.region();
    credentials = cloudFormation.config.credentials;
    const described = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = described.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    cloudFormation.destroy();
    const message = error instanceof Error ? error.message : String(error);
    if (/does not exist/.test(message)) {
      throw new OpsError(`stage '${stage}' not found: there is no stack ${stackName} in ${await regionOf(cloudFormation)} (this app's stages: ${STAGES.join(', ')})`);
    }
    throw new OpsError(`cannot look up stage '${stage}' (stack ${stackName}): ${message}`);
  }
  cloudFormation.destroy();
  const byKey = Object.fromEntries(outputs.filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey!, o.OutputValue!]));
  const required = (key: string): string => {
    const value = byKey[key];
    if (!value) throw new OpsError(`stack ${stackName} has no output ${key}; deploy the current version of the app`);
    return value;
  };
  const workflows = Object.entries(byKey)
    .map(([key, value]) => ({ name: WORKFLOW_OUTPUT.exec(key)?.[1], stateMachineArn: value }))
    .filter((w): w is Workflow => w.name !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  const dynamoDb = new DynamoDBClient({});
  const sfn = new SFNClient({});
  return {
    stage,
    stackName,
    region,
    apiUrl: required(OUTPUT.apiUrl).replace(/\/+$/, ''),
    tableName: required(OUTPUT.tableName),
    workflows,
    credentials: () => credentials(),
    sfn,
    doc: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    destroy: () => {
      sfn.destroy();
      dynamoDb.destroy();
    },
  };
}

async function regionOf(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return 'the configured region';
  }
}
