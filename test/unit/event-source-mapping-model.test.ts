import type { Template } from '../../local/template/intrinsics';
import { buildStackModel } from '../../local/template/stack-model';

const LOCAL_STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/App-Table/stream/2026-01-01T00:00:00.000';

function template(mapping: Record<string, unknown>, extra: Template['Resources'] = {}): Template {
  return {
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: { TableName: 'App-Table', StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } },
      },
      Plain: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'App-Plain' } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'abc.zip' }, Handler: 'index.handler', Runtime: 'nodejs22.x' } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { FunctionName: { Ref: 'Fn' }, EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] }, StartingPosition: 'LATEST', ...mapping },
      },
      ...extra,
    },
  };
}

const context = { outdir: '/cdk.out', assets: { files: { abc: { source: { path: 'asset.abc' } } } }, streamArns: { Table: LOCAL_STREAM_ARN } };
const load = (mapping: Record<string, unknown>, extra?: Template['Resources']) => buildStackModel(template(mapping, extra), 'App', context);

describe('event source mappings in the stack model', () => {
  test("GetAtt StreamArn is the stream DynamoDB Local gave the table, and Lambda's defaults fill what the template leaves out", () => {
    const [mapping] = load({}).eventSourceMappings;
    expect(mapping).toEqual({
      logicalId: 'Mapping',
      functionName: 'App-Fn',
      eventSourceArn: LOCAL_STREAM_ARN,
      tableName: 'App-Table',
      enabled: true,
      startingPosition: 'LATEST',
      batchSize: 100,
      maximumBatchingWindowSeconds: 0,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      parallelizationFactor: 1,
      reportBatchItemFailures: false,
      filterPatterns: [],
    });
  });

  test('declared settings, filters and an SNS or SQS on-failure destination are kept', () => {
    const [mapping] = load({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
      DestinationConfig: { OnFailure: { Destination: { Ref: 'Topic' } } },
      Enabled: false,
    }).eventSourceMappings;
    expect(mapping).toMatchObject({
      enabled: false,
      batchSize: 10,
      maximumBatchingWindowSeconds: 5,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeSeconds: 3600,
      reportBatchItemFailures: true,
      filterPatterns: ['{"eventName":["INSERT"]}'],
      onFailureDestination: 'arn:aws:sns:eu-central-1:000000000000:App-Topic',
    });
    const [toQueue] = load({ DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Queue', 'Arn'] } } } }).eventSourceMappings;
    expect(toQueue?.onFailureDestination).toBe('arn:aws:sqs:eu-central-1:000000000000:App-Queue');
  });

  test.each([
    { name: 'a tumbling window', mapping: { TumblingWindowInSeconds: 60 }, problem: /Mapping\.TumblingWindowInSeconds: is not supported/ },
    { name: 'AT_TIMESTAMP', mapping: { StartingPosition: 'AT_TIMESTAMP' }, problem: /Mapping\.StartingPosition: must be TRIM_HORIZON or LATEST/ },
    { name: 'an SQS queue as the source', mapping: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }, problem: /Mapping\.EventSourceArn: .* DynamoDB stream mappings only/ },
    { name: 'an invalid filter pattern', mapping: { FilterCriteria: { Filters: [{ Pattern: '{"eventName":"INSERT"}' }] } }, problem: /Mapping\.FilterCriteria: Invalid filter pattern definition/ },
    { name: 'a batch size over 10,000', mapping: { BatchSize: 10_001 }, problem: /Mapping\.BatchSize: must be an integer from 1 to 10,000/ },
    { name: 'a record age under a minute', mapping: { MaximumRecordAgeInSeconds: 30 }, problem: /Mapping\.MaximumRecordAgeInSeconds/ },
    { name: 'a function outside the stack', mapping: { FunctionName: 'elsewhere' }, problem: /Mapping\.FunctionName: elsewhere is not one of the stack's functions/ },
    { name: 'an unknown response type', mapping: { FunctionResponseTypes: ['Everything'] }, problem: /Mapping\.FunctionResponseTypes/ },
  ])('$name is refused, naming the mapping and the property', ({ mapping, problem }) => {
    expect(() => load(mapping)).toThrow(problem);
  });

  test('the stream of a table without StreamSpecification is an error, not a placeholder', () => {
    expect(() => load({ EventSourceArn: { 'Fn::GetAtt': ['Plain', 'StreamArn'] } })).toThrow(/declares no StreamSpecification/);
  });

  test('read without a database, a stream ARN is the table ARN with a local label (the model is then for inspection only)', () => {
    const model = buildStackModel(template({}), 'App', { outdir: context.outdir, assets: context.assets });
    expect(model.eventSourceMappings[0]?.eventSourceArn).toBe('arn:aws:dynamodb:eu-central-1:000000000000:table/App-Table/stream/local');
  });
});
