import type { DynamoDbCall } from '../../../local/runtime/dynamodb/dynamodb-front';
import { authorizationRequests } from '../../../local/runtime/iam/dynamodb-actions';
import { createDynamoDbAuthorizer } from '../../../local/runtime/iam/dynamodb-authorizer';
import type { LocalPrincipal } from '../../../local/runtime/iam/local-callers';

const TABLE = { tableName: 'Data', arn: 'arn:aws:dynamodb:eu-central-1:000000000000:table/Data', partitionKey: 'pk' };
const arnOf = (name: string) => `arn:aws:dynamodb:eu-central-1:000000000000:table/${name}`;
const call = (operation: string, input: Record<string, unknown>, accessKeyId = 'ASIAROLE'): DynamoDbCall => ({ operation, input, accessKeyId });

describe('what IAM evaluates for a DynamoDB call', () => {
  test('an item operation: its action on the table, with the partition key as LeadingKeys', () => {
    expect(authorizationRequests(call('GetItem', { TableName: 'Data', Key: { pk: { S: 'REQUEST#r1' }, sk: { S: 'A' } } }), [TABLE], arnOf)).toEqual([
      { action: 'dynamodb:GetItem', resource: TABLE.arn, leadingKeys: ['REQUEST#r1'] },
    ]);
  });

  test('a query on an index: the index ARN, and the partition value its key condition fixes through names and values', () => {
    const input = { TableName: 'Data', IndexName: 'gsi1', KeyConditionExpression: '#p = :p AND begins_with(sk, :s)', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':p': { S: 'STOCK#s1' }, ':s': { S: 'X' } } };
    expect(authorizationRequests(call('Query', input), [TABLE], arnOf)).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE.arn}/index/gsi1`, leadingKeys: ['STOCK#s1'] }]);
  });

  test('a transaction: one request per item operation, each with its own partition', () => {
    const input = {
      TransactItems: [
        { Put: { TableName: 'Data', Item: { pk: { S: 'HOLD#h' } } } },
        { Update: { TableName: 'Data', Key: { pk: { S: 'STOCK#s' } } } },
        { ConditionCheck: { TableName: 'Data', Key: { pk: { S: 'REQUEST#r' } } } },
      ],
    };
    expect(authorizationRequests(call('TransactWriteItems', input), [TABLE], arnOf).map((r) => `${r.action} ${r.leadingKeys?.join()}`)).toEqual([
      'dynamodb:PutItem HOLD#h',
      'dynamodb:UpdateItem STOCK#s',
      'dynamodb:ConditionCheckItem REQUEST#r',
    ]);
  });

  test('a batch write: BatchWriteItem with every partition it touches', () => {
    const input = { RequestItems: { Data: [{ PutRequest: { Item: { pk: { S: 'A#1' } } } }, { DeleteRequest: { Key: { pk: { S: 'B#2' } } } }] } };
    expect(authorizationRequests(call('BatchWriteItem', input), [TABLE], arnOf)).toEqual([{ action: 'dynamodb:BatchWriteItem', resource: TABLE.arn, leadingKeys: ['A#1', 'B#2'] }]);
  });
});

describe('the DynamoDB authorizer', () => {
  const role: LocalPrincipal = {
    accessKeyId: 'ASIAROLE',
    secretAccessKey: 'secret',
    arn: 'arn:aws:sts::000000000000:assumed-role/fn-role/fn',
    userId: 'AROA:fn',
    policy: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: TABLE.arn, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REQUEST#*'] } } }],
  };
  const principal = (key: string) => (key === role.accessKeyId ? role : undefined);

  test('enforcing, a call inside the role\'s partitions passes and one outside is AccessDenied naming the caller, action and table', () => {
    const authorizer = createDynamoDbAuthorizer({ mode: 'enforce', principal, tables: [TABLE], tableArnOf: arnOf });
    expect(authorizer.interceptor(call('GetItem', { TableName: 'Data', Key: { pk: { S: 'REQUEST#r1' } } }))).toBeUndefined();
    const denied = authorizer.interceptor(call('PutItem', { TableName: 'Data', Item: { pk: { S: 'STOCK#s1' } } }));
    expect(denied).toEqual({
      statusCode: 400,
      type: 'com.amazon.coral.service#AccessDeniedException',
      message: `User: ${role.arn} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE.arn} because no identity-based policy allows the dynamodb:PutItem action`,
    });
    expect(authorizer.calls().map((c) => [c.action, c.allowed])).toEqual([
      ['dynamodb:GetItem', true],
      ['dynamodb:PutItem', false],
    ]);
  });

  test('recording, a denied call passes but is recorded as denied', () => {
    const authorizer = createDynamoDbAuthorizer({ mode: 'record', principal, tables: [TABLE], tableArnOf: arnOf });
    expect(authorizer.interceptor(call('DeleteItem', { TableName: 'Data', Key: { pk: { S: 'REQUEST#r1' } } }))).toBeUndefined();
    expect(authorizer.calls()).toEqual([expect.objectContaining({ action: 'dynamodb:DeleteItem', allowed: false })]);
  });

  test('an unknown access key is refused when enforcing, as DynamoDB refuses an invalid token', () => {
    const authorizer = createDynamoDbAuthorizer({ mode: 'enforce', principal, tables: [TABLE], tableArnOf: arnOf });
    expect(authorizer.interceptor(call('GetItem', { TableName: 'Data', Key: { pk: { S: 'REQUEST#r1' } } }, 'ASIAUNKNOWN'))).toMatchObject({ type: 'com.amazon.coral.service#UnrecognizedClientException' });
  });
});
