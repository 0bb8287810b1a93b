/**
 * What IAM evaluates for one DynamoDB API call, as the Service Authorization
 * Reference describes it: the action (a transaction or batch is authorized per
 * item operation for TransactWriteItems/TransactGetItems, and as its own action
 * for BatchGetItem/BatchWriteItem), the table's or index's ARN, and the
 * `dynamodb:LeadingKeys` condition key — the partition key values the call
 * touches.
 */
import type { DynamoDbCall } from '../dynamodb/dynamodb-front';

export interface AuthorizedTable {
  readonly tableName: string;
  readonly arn: string;
  /** The partition key attribute name, e.g. `pk`. */
  readonly partitionKey: string;
}

export interface DynamoDbAuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** `dynamodb:LeadingKeys` for item and query operations. */
  readonly leadingKeys?: readonly string[];
}

type AttributeMap = Record<string, Record<string, unknown> | undefined>;

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** The requests IAM evaluates for the call; each must be allowed. Unknown tables yield the ARN DynamoDB would name. */
export function authorizationRequests(call: DynamoDbCall, tables: readonly AuthorizedTable[], tableArnOf: (name: string) => string): DynamoDbAuthorizationRequest[] {
  const input = call.input as Record<string, unknown>;
  const table = (name: unknown) => tables.find((t) => t.tableName === name) ?? { tableName: String(name), arn: tableArnOf(String(name)), partitionKey: '' };
  const keyOf = (t: AuthorizedTable, attributes: unknown) => scalar((attributes as AttributeMap | undefined)?.[t.partitionKey]);
  const itemRequest = (action: string, t: AuthorizedTable, attributes: unknown): DynamoDbAuthorizationRequest => ({ action, resource: t.arn, leadingKeys: present([keyOf(t, attributes)]) });

  switch (call.operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [itemRequest(`dynamodb:${call.operation}`, table(input.TableName), input.Key)];
    case 'PutItem':
      return [itemRequest('dynamodb:PutItem', table(input.TableName), input.Item)];
    case 'Query': {
      const t = table(input.TableName);
      const resource = typeof input.IndexName === 'string' ? `${t.arn}/index/${input.IndexName}` : t.arn;
      return [{ action: 'dynamodb:Query', resource, leadingKeys: present([queriedPartition(input, t.partitionKey)]) }];
    }
    case 'Scan': {
      const t = table(input.TableName);
      return [{ action: 'dynamodb:Scan', resource: typeof input.IndexName === 'string' ? `${t.arn}/index/${input.IndexName}` : t.arn }];
    }
    case 'BatchGetItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).map(([name, request]) => {
        const t = table(name);
        return { action: 'dynamodb:BatchGetItem', resource: t.arn, leadingKeys: present((request.Keys ?? []).map((k) => keyOf(t, k))) };
      });
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>).map(([name, writes]) => {
        const t = table(name);
        return { action: 'dynamodb:BatchWriteItem', resource: t.arn, leadingKeys: present(writes.map((w) => keyOf(t, w.PutRequest?.Item ?? w.DeleteRequest?.Key))) };
      });
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Record<string, { TableName?: unknown; Key?: unknown; Item?: unknown }>[]).flatMap((item) =>
        Object.entries(item).map(([kind, op]) => itemRequest(TRANSACT_WRITE_ACTIONS[kind] ?? `dynamodb:${kind}`, table(op.TableName), op.Item ?? op.Key)),
      );
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as { Get: { TableName?: unknown; Key?: unknown } }[]).map((item) => itemRequest('dynamodb:GetItem', table(item.Get.TableName), item.Get.Key));
    default:
      // DescribeTable, ListTables, …: table-level actions, authorized on the table named (or "*").
      return [{ action: `dynamodb:${call.operation}`, resource: typeof input.TableName === 'string' ? table(input.TableName).arn : '*' }];
  }
}

/** The partition key value a query's key condition fixes: `pk = :v` or `#n = :v` (names and values resolved). */
function queriedPartition(input: Record<string, unknown>, partitionKey: string): string | undefined {
  const condition = typeof input.KeyConditionExpression === 'string' ? input.KeyConditionExpression : '';
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as AttributeMap;
  for (const match of condition.matchAll(/([#A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
    const name = match[1]!.startsWith('#') ? names[match[1]!] : match[1];
    if (name === partitionKey) return scalar(values[match[2]!]);
  }
  return undefined;
}

function scalar(value: Record<string, unknown> | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.S ?? value.N ?? value.B;
  return typeof v === 'string' ? v : undefined;
}

const present = (values: readonly (string | undefined)[]): string[] => values.filter((v): v is string => v !== undefined);
