/**
 * The contracts between the parts of the local cloud runtime. Each part
 * (template loader, Lambda runner, SNS, workflow engine, HTTP endpoints) is
 * written against these types only, so they can be built and tested apart.
 */

/** Region, account and credentials the local runtime pretends to be. */
export const LOCAL_AWS = {
  region: 'eu-central-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** An error in AWS's shape: `code` is the error type a client sees (e.g. `ExecutionDoesNotExist`). */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

// ---------------------------------------------------------------- template model

export interface LocalTableSpec {
  readonly logicalId: string;
  readonly tableName: string;
  readonly arn: string;
}

export interface LocalFunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** Absolute path of the folder holding the bundled code (cdk.out/asset.<hash>). */
  readonly codeDir: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Environment variables from the template, every intrinsic resolved to its local value. */
  readonly environment: Readonly<Record<string, string>>;
  /** The execution role's ARN (resolved), whose credentials the function gets when the local cloud evaluates IAM. */
  readonly roleArn?: string;
}

export interface LocalSubscriptionSpec {
  readonly logicalId: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly filterPolicy?: Record<string, unknown>;
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
  readonly rawMessageDelivery?: boolean;
}

export interface LocalTopicSpec {
  readonly logicalId: string;
  readonly topicName: string;
  readonly arn: string;
  readonly fifo: boolean;
}

export interface LocalStateMachineSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly roleArn?: string;
  /** The ASL definition with every intrinsic resolved. */
  readonly definition: AslDefinition;
}

export interface LocalRouteSpec {
  readonly method: string;
  /** Resource path as declared, e.g. `/requests/{id}`; `{proxy+}` allowed. */
  readonly path: string;
  /** `NONE`, `AWS_IAM`, or another API Gateway authorization type (refused locally). */
  readonly authorization: string;
  /** AWS_PROXY integrations name a Lambda function ARN. */
  readonly functionArn?: string;
  readonly integrationType: string;
}

export interface LocalApiSpec {
  readonly logicalId: string;
  readonly restApiId: string;
  readonly name: string;
  readonly stageName: string;
  readonly routes: readonly LocalRouteSpec[];
}

/**
 * An `AWS::Lambda::EventSourceMapping` from a DynamoDB stream, with Lambda's
 * defaults filled in where the template says nothing (Lambda developer guide,
 * "Lambda parameters for Amazon DynamoDB event source mappings").
 */
export interface LocalEventSourceMappingSpec {
  readonly logicalId: string;
  /** The function's name, whatever form (name, ARN, partial ARN) the template gives. */
  readonly functionName: string;
  /** The stream ARN, resolved from `Fn::GetAtt [Table, StreamArn]`: DynamoDB Local's own in the local cloud. */
  readonly eventSourceArn: string;
  /** The table whose stream this is. */
  readonly tableName: string;
  readonly enabled: boolean;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Default 100, at most 10,000. */
  readonly batchSize: number;
  /** Default 0. */
  readonly maximumBatchingWindowSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 (the default) = until the record expires. */
  readonly maximumRetryAttempts: number;
  /** -1 (the default) = until the record expires. */
  readonly maximumRecordAgeSeconds: number;
  /** Default 1; the local cloud processes a shard one batch at a time whatever this says. */
  readonly parallelizationFactor: number;
  /** `FunctionResponseTypes` includes `ReportBatchItemFailures`. */
  readonly reportBatchItemFailures: boolean;
  /** `FilterCriteria.Filters[].Pattern`, the JSON texts as declared; a record passes when any matches. */
  readonly filterPatterns: readonly string[];
  /** `DestinationConfig.OnFailure.Destination`: an SQS queue or SNS topic ARN. */
  readonly onFailureDestination?: string;
}

export interface LocalStackModel {
  readonly stackName: string;
  readonly tables: readonly LocalTableSpec[];
  readonly functions: readonly LocalFunctionSpec[];
  readonly topics: readonly LocalTopicSpec[];
  readonly subscriptions: readonly LocalSubscriptionSpec[];
  readonly stateMachines: readonly LocalStateMachineSpec[];
  readonly apis: readonly LocalApiSpec[];
  readonly eventSourceMappings: readonly LocalEventSourceMappingSpec[];
}

// ---------------------------------------------------------------- services

export type AslDefinition = Record<string, unknown> & { StartAt: string; States: Record<string, Record<string, unknown>> };

export interface LambdaInvokeResult {
  readonly statusCode: number;
  /** The handler's return value, or `{ errorType, errorMessage, trace }` when it threw. */
  readonly payload: unknown;
  /** Set as in Lambda's Invoke API when the handler threw or timed out. */
  readonly functionError?: 'Unhandled';
  readonly executedVersion: string;
}

export interface LambdaInvoker {
  /** Invokes by function name or ARN (a version / alias qualifier is accepted and ignored). */
  invoke(functionNameOrArn: string, payload: unknown): Promise<LambdaInvokeResult>;
}

export interface SnsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

export interface SnsPublishInput {
  readonly TopicArn?: string;
  readonly TargetArn?: string;
  readonly PhoneNumber?: string;
  readonly Message: string;
  readonly Subject?: string;
  readonly MessageStructure?: string;
  readonly MessageAttributes?: Readonly<Record<string, SnsMessageAttribute>>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

export interface SnsPublisher {
  publish(input: SnsPublishInput): Promise<{ MessageId: string }>;
}

/** One delivery of one message to one endpoint, as the local outbox records it. */
export interface OutboxRecord {
  readonly deliveryId: string;
  readonly messageId: string;
  readonly channel: 'sms' | 'email' | 'email-json' | 'lambda' | 'sqs' | 'http' | 'https' | 'application';
  readonly endpoint: string;
  readonly topicArn?: string;
  readonly subject?: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, SnsMessageAttribute>>;
  /** ISO-8601 time of delivery. */
  readonly at: string;
}

/**
 * The local clock. `scale` < 1 compresses time: Wait states, retry intervals and
 * task timeouts last `scale` × their declared duration (0.001 turns an hour into 3.6 s).
 */
export interface Clock {
  readonly scale: number;
  now(): Date;
  /** Sleeps for a declared duration, compressed by `scale`. */
  sleep(declaredMs: number, signal?: AbortSignal): Promise<void>;
}

// ---------------------------------------------------------------- HTTP

export interface HttpRequest {
  readonly method: string;
  /** The path without the query string, e.g. `/v1/items`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case; repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Path and query as received, for signature checks. */
  readonly rawUrl: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** Answers a request it recognises, or returns undefined so the next endpoint may. */
export type HttpEndpoint = (request: HttpRequest) => Promise<HttpResponse | undefined>;
