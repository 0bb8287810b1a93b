/**
 * Creates the DynamoDB tables that the synthesized template declares, in a
 * DynamoDB Local instance. Handles both AWS::DynamoDB::Table and
 * AWS::DynamoDB::GlobalTable (what CDK's TableV2 synthesizes).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { CfnResource, StackTemplate } from './cloud-assembly';
import { IntrinsicResolver } from './template/intrinsics';

export interface LocalTable {
  readonly logicalId: string;
  /** The name the table gets locally; CloudFormation generates another one in AWS. */
  readonly tableName: string;
  readonly input: CreateTableCommandInput;
  readonly timeToLiveAttribute?: string;
}

const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

export function tablesFromTemplate(template: StackTemplate): LocalTable[] {
  const resolver = new IntrinsicResolver({ Resources: template.resources }, template.stackName);
  return Object.entries(template.resources)
    .filter(([, resource]) => TABLE_TYPES.has(resource.Type))
    .map(([logicalId, resource]) => toLocalTable(resolver.physicalName(logicalId), logicalId, resource));
}

function toLocalTable(tableName: string, logicalId: string, resource: CfnResource): LocalTable {
  const props = resource.Properties ?? {};
  const need = <T>(name: string): T => {
    const value = props[name];
    if (value === undefined) throw new Error(`table ${logicalId}: property ${name} is missing in the template`);
    return value as T;
  };
  const indexes = (props.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown; Projection: unknown }[];
  const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  const input = {
    TableName: tableName,
    KeySchema: need('KeySchema'),
    AttributeDefinitions: need('AttributeDefinitions'),
    BillingMode: (props.BillingMode as string | undefined) ?? 'PAY_PER_REQUEST',
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
          })),
        }
      : {}),
    ...(stream?.StreamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } }
      : {}),
  } as CreateTableCommandInput;
  return {
    logicalId,
    tableName,
    input,
    ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
  };
}

/** Creates each table unless it exists (a kept database on disk); returns whether any was new. */
export async function ensureTables(client: DynamoDBClient, tables: readonly LocalTable[]): Promise<{ created: string[] }> {
  const created: string[] = [];
  for (const table of tables) {
    try {
      await client.send(new CreateTableCommand(table.input));
      created.push(table.tableName);
      if (table.timeToLiveAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: table.tableName,
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  return { created };
}

/**
 * The stream ARN DynamoDB Local gives each table that declares a stream, by
 * logical id: its own (region `ddblocal`, a label set when the stream was
 * enabled), which is the only form its DynamoDB Streams API accepts. A table kept
 * on disk from before the template declared its stream (or another view type)
 * gets the declared one now, as a CloudFormation update would give it.
 */
export async function localStreamArns(client: DynamoDBClient, tables: readonly LocalTable[]): Promise<Record<string, string>> {
  const arns: Record<string, string> = {};
  for (const table of tables) {
    const declared = table.input.StreamSpecification?.StreamViewType;
    if (!declared) continue;
    let described = (await client.send(new DescribeTableCommand({ TableName: table.tableName }))).Table;
    const current = described?.StreamSpecification;
    if (!current?.StreamEnabled || current.StreamViewType !== declared) {
      if (current?.StreamEnabled) {
        await client.send(new UpdateTableCommand({ TableName: table.tableName, StreamSpecification: { StreamEnabled: false } }));
      }
      await client.send(
        new UpdateTableCommand({ TableName: table.tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: declared } }),
      );
      described = (await client.send(new DescribeTableCommand({ TableName: table.tableName }))).Table;
    }
    const arn = described?.LatestStreamArn;
    if (!arn) throw new Error(`table ${table.logicalId}: DynamoDB Local reports no stream for ${table.tableName}, though the template declares one`);
    arns[table.logicalId] = arn;
  }
  return arns;
}
