/**
 * The local cloud: one synthesized stack running on this machine. It creates
 * the stack's tables in DynamoDB Local, runs its Lambda functions, SNS topics,
 * state machines and DynamoDB stream event source mappings in-process, and
 * serves them behind AWS-compatible
 * endpoints — one port for the AWS APIs (Step Functions JSON, SNS Query),
 * one for the stack's REST APIs — so unchanged AWS SDK and CLI code works by
 * pointing AWS_ENDPOINT_URL_* at it.
 */
import { availableParallelism } from 'node:os';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClientFor } from '../../functions/repository/document-client';
import { readStackTemplate } from '../cloud-assembly';
import { createDynamoDbClient } from '../dynamodb-local';
import { ensureTables, localStreamArns, tablesFromTemplate, type LocalTable } from '../tables';
import { loadStackModel } from '../template/stack-model';
import { CONSOLE_PATH, createConsoleEndpoint } from '../console/console-endpoint';
import { createCloudFormationEndpoint } from './cloudformation/cloudformation-endpoint';
import { startDynamoDbFront, type DynamoDbFront } from './dynamodb/dynamodb-front';
import { describeLocalStack } from './cloudformation/local-stacks';
import { dynamoDbFaultInterceptor } from './faults/dynamodb-faults';
import { FaultInjector } from './faults/fault-injector';
import type { FaultPlan } from './faults/fault-plan';
import { LOCAL_AWS, type HttpEndpoint, type LocalFunctionSpec, type LocalStackModel } from './contracts';
import { apiGatewayPath, createApiGatewayEndpoint } from './http/api-gateway';
import { LocalCallers, type IssuedCredentials } from './iam/local-callers';
import type { CloudMeter } from './metering/cloud-meter';
import { createCloudMeter } from './metering/create-meter';
import { createStackIam, type AuthorizationMode, type StackIam } from './iam/stack-iam';
import { loadTemplateRoles, readTemplate, type TemplateRole } from './iam/template-roles';
import { startHttpServer, type LocalHttpServer } from './http/server';
import { LocalLambdaRunner, type LambdaLogSink } from './lambda';
import { createSnsEndpoint } from './sns/sns-endpoint';
import { LocalSns, type ConfirmSubscriptions } from './sns/local-sns';
import { withPublishFaults } from './sns/publish-faults';
import { createOutboxEndpoint, OUTBOX_PATH, type RecipientDescriber } from './sns/outbox-page';
import { createClock } from './stepfunctions/clock';
import { LocalStepFunctions } from './stepfunctions/engine';
import { createStepFunctionsEndpoint } from './stepfunctions/sfn-endpoint';
import { LocalStreams } from './streams/local-streams';

export interface LocalCloudOptions {
  /** The cloud assembly folder (cdk.out) and the stack in it. */
  readonly outdir: string;
  readonly stackName: string;
  /** A running DynamoDB Local (see local/dynamodb-local.ts). */
  readonly dynamoDbEndpoint: string;
  /** Port of the AWS API endpoint (Step Functions, SNS, CloudFormation); 0 picks a free one. */
  readonly awsPort?: number;
  /** Port of the stack's REST APIs; 0 picks a free one. */
  readonly apiPort?: number;
  /** Time compression of Wait states, retries and timeouts: 1 = real time. */
  readonly timeScale?: number;
  readonly lambdaLog?: LambdaLogSink;
  /** Email and HTTP/S subscriptions: confirmed at once (default) or, as in AWS, pending until their link is visited. */
  readonly confirmSubscriptions?: ConfirmSubscriptions;
  /** Names the person behind an SMS number or email address on the outbox page. */
  readonly describeRecipient?: RecipientDescriber;
  /**
   * IAM for the stack's own compute (docs/least-privilege.md): each function runs with its execution role's
   * credentials and its DynamoDB calls are evaluated against the role's policies — `enforce` (the default)
   * refuses a denied call as AWS does, `record` only records it; `off` runs every function as the administrator.
   */
  readonly iam?: AuthorizationMode | 'off';
  /**
   * Faults injected into the stack's own traffic (docs/failure-model.md): its DynamoDB calls (through the
   * front), its SNS Publish calls (endpoint and workflow tasks), its Lambda answers. Seeding and inspection
   * through `tableContext()` meet none.
   */
  readonly faults?: FaultPlan;
  /** Start with the faults paused, e.g. while seeding; `cloud.faults.resume()` turns them on. */
  readonly faultsPaused?: boolean;
  /** Meter what AWS would bill for the stack's traffic (docs/cost.md); off by default: it asks DynamoDB for capacity on every call. */
  readonly meter?: boolean;
}

export interface LocalCloud {
  readonly model: LocalStackModel;
  /** Step Functions, SNS and CloudFormation (DescribeStacks): set AWS_ENDPOINT_URL_SFN, _SNS and _CLOUDFORMATION to this. */
  readonly awsEndpoint: string;
  /** The REST APIs: `<apiEndpoint>/<stage>/<path>`. */
  readonly apiEndpoint: string;
  /** Every SMS and email sent, by person and channel (`.json` for the data). */
  readonly outboxUrl: string;
  /** The operations console: executions, their history and graph, outbox, pending decisions, records. */
  readonly consoleUrl: string;
  /** DynamoDB Local itself: seeding and inspection meet no interceptor. */
  readonly dynamoDbEndpoint: string;
  /** The endpoint the stack's functions and state machines call (DynamoDB Local behind interceptors: faults, permissions). */
  readonly dynamoDbFront: DynamoDbFront;
  /** IAM evaluation unless `iam` is `off`: every DynamoDB call a role made, with its decision. */
  readonly iam: StackIam | undefined;
  readonly lambda: LocalLambdaRunner;
  readonly sns: LocalSns;
  /** The fault injector when `faults` was given: pause, resume, and what it injected. */
  readonly faults: FaultInjector | undefined;
  readonly stepFunctions: LocalStepFunctions;
  /** Billable use of the stack's traffic (transitions, invocations, capacity, messages, API requests) when `meter` was set. */
  readonly meter: CloudMeter | undefined;
  /** The template's DynamoDB stream → Lambda event source mappings: `idle()`, `failures()`. */
  readonly streams: LocalStreams;
  /** The table's document client context, for seeding and inspection. */
  tableContext(logicalIdPrefix?: string): { doc: DynamoDBDocumentClient; tableName: string };
  /** Environment for AWS SDK / CLI clients that should talk to this local cloud (the account's administrator). */
  clientEnvironment(): Record<string, string>;
  /** Credentials of a new session of a caller role of the template (one the account may assume), as AssumeRole gives them. */
  credentialsFor(roleLogicalIdPrefix: string): IssuedCredentials;
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dynamoDb = createDynamoDbClient(options.dynamoDbEndpoint);
  const tables = tablesFromTemplate(readStackTemplate(options.outdir, options.stackName));
  let model: LocalStackModel;
  let streamArns: Record<string, string>;
  try {
    await ensureTables(dynamoDb, tables);
    // `Fn::GetAtt [Table, StreamArn]` resolves to the stream DynamoDB Local gave the table, so the
    // template's mappings (and any function told the ARN) name a stream the local Streams API knows.
    streamArns = await localStreamArns(dynamoDb, tables);
    model = loadStackModel(options.outdir, options.stackName, { streamArns });
  } catch (error) {
    dynamoDb.destroy();
    throw error;
  }

  // The endpoints must be listening before functions learn their URLs, so the
  // servers start first and their endpoints are attached once built.
  const awsEndpoints: Parameters<typeof startHttpServer>[0][number][] = [];
  const apiEndpoints: Parameters<typeof startHttpServer>[0][number][] = [];
  // The roles' policies are read when a caller first asks for a role's credentials.
  let roles: TemplateRole[] | undefined;
  const callers = new LocalCallers(() => (roles ??= loadTemplateRoles(readTemplate(options.outdir, options.stackName), options.stackName, { streamArns })));
  const awsServer = await startHttpServer(awsEndpoints, { port: options.awsPort ?? 0, name: 'AWS endpoint' });
  let dynamoDbFront: DynamoDbFront | undefined;
  let apiServer: LocalHttpServer | undefined;
  let lambda: LocalLambdaRunner | undefined;
  let streams: LocalStreams | undefined;
  try {
    apiServer = await startHttpServer(apiEndpoints, { port: options.apiPort ?? 0, name: 'API endpoint' });
    dynamoDbFront = await startDynamoDbFront(options.dynamoDbEndpoint);
    const front = dynamoDbFront;
    const iamMode = options.iam ?? 'enforce';
    const iam =
      iamMode === 'off'
        ? undefined
        : createStackIam({
            mode: iamMode,
            callers,
            tables: model.tables.map((t) => ({ ...t, partitionKey: partitionKeyOf(tables, t.tableName) })),
            tableArnOf: (name) => `arn:${LOCAL_AWS.partition}:dynamodb:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:table/${name}`,
          });
    if (iam) front.intercept(iam.interceptor);
    const faults = options.faults ? new FaultInjector(options.faults, { paused: options.faultsPaused ?? false }) : undefined;
    if (faults) front.intercept(dynamoDbFaultInterceptor(faults));
    const meter = options.meter ? createCloudMeter(tables, dynamoDb) : undefined;
    if (meter) front.observe(meter.dynamoDb);
    const endpoints = {
      AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint,
      // DynamoDB Local serves the DynamoDB Streams API on the same port.
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: options.dynamoDbEndpoint,
      AWS_ENDPOINT_URL_SFN: awsServer.url,
      AWS_ENDPOINT_URL_SNS: awsServer.url,
    };
    lambda = new LocalLambdaRunner(withLocalApiUrls(model, apiServer.url), {
      // Node 20 runs the handlers here on purpose (docs/decisions.md); the SDK's Node 22 notice is known.
      baseEnvironment: { ...endpoints, AWS_ENDPOINT_URL_DYNAMODB: front.url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      ...(options.lambdaLog ? { log: options.lambdaLog } : {}),
      // A burst of one function spreads over the cores, as Lambda scales out (more would only add cold starts).
      maxEnvironmentsPerFunction: Math.max(2, availableParallelism()),
      ...(iam && { credentials: (spec: LocalFunctionSpec) => iam.credentials(spec) }),
      ...(faults && { lostResponse: () => faults.lambdaLostResponse() }),
      ...(meter && { onInvoked: (record: Parameters<CloudMeter['invoked']>[0]) => meter.invoked(record) }),
    });
    // SubscribeURLs in confirmation messages point at the AWS endpoint, so a click confirms.
    const sns = LocalSns.fromStack(model.topics, model.subscriptions, {
      lambda,
      publicUrl: awsServer.url,
      confirmSubscriptions: options.confirmSubscriptions,
    });
    if (meter) {
      sns.onPublish((input) => meter.published(input));
      sns.onDelivery((record) => meter.delivered(record));
    }
    const clock = createClock({ scale: options.timeScale ?? 1 });
    const stepFunctions = new LocalStepFunctions({
      stateMachines: model.stateMachines,
      lambda,
      sns: faults ? withPublishFaults(sns, () => faults.snsPublish()) : sns,
      dynamoDbEndpoint: front.url,
      clock,
    });
    if (meter) stepFunctions.onEvent((event) => event.kind === 'history' && meter.historyEvent(event.stateMachineArn, event.event));
    // DescribeStacks: tools find the stage by its outputs, resolved to local values (the API URL → the local API).
    const apiUrl = apiServer.url;
    const stack = describeLocalStack(options.outdir, options.stackName, { streamArns, localize: (value) => localApiUrl(model, value, apiUrl) });
    awsEndpoints.push(createStepFunctionsEndpoint(stepFunctions), createSnsEndpoint(sns, faults ? { publishFault: () => faults.snsPublish() } : {}), createCloudFormationEndpoint([stack]));
    const doc = documentClientFor(dynamoDb);
    const tableContextOf = (prefix: string) => {
      const table = model.tables.find((t) => t.logicalId.startsWith(prefix));
      if (!table) throw new Error(`the stack has no table whose logical id starts with '${prefix}'`);
      return { doc, tableName: table.tableName };
    };
    // The outbox page and the console first: their paths are no stage of any API.
    apiEndpoints.push(
      createOutboxEndpoint(sns, { describeRecipient: options.describeRecipient }),
      createConsoleEndpoint({
        model,
        stepFunctions,
        sns,
        table: () => tableContextOf(''),
        apiEndpoint: apiServer.url,
        ...(options.describeRecipient && { describeRecipient: options.describeRecipient }),
      }),
      meteredApi(createApiGatewayEndpoint(model.apis, lambda, { credentials: (accessKeyId) => callers.principal(accessKeyId) }), meter),
    );
    // Last, once every endpoint a triggered function may call is served.
    streams = await LocalStreams.start({
      mappings: model.eventSourceMappings,
      functions: model.functions,
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      lambda,
      sns,
      clock,
    });

    const runner = lambda;
    const api = apiServer;
    const mappings = streams;
    return {
      model,
      awsEndpoint: awsServer.url,
      apiEndpoint: api.url,
      outboxUrl: `${api.url}${OUTBOX_PATH}`,
      consoleUrl: `${api.url}${CONSOLE_PATH}`,
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      dynamoDbFront: front,
      iam,
      lambda: runner,
      sns,
      faults,
      stepFunctions,
      meter,
      streams: mappings,
      tableContext: (prefix = '') => tableContextOf(prefix),
      clientEnvironment: () => ({
        ...endpoints,
        AWS_ENDPOINT_URL_CLOUDFORMATION: awsServer.url,
        AWS_REGION: LOCAL_AWS.region,
        AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      }),
      credentialsFor: (roleLogicalIdPrefix) => callers.credentialsFor(roleLogicalIdPrefix),
      stop: async () => {
        // Polling stops at once; an invocation in flight ends when the runner closes below.
        const streamsStopped = mappings.stop();
        await stepFunctions.close();
        await Promise.all([streamsStopped, api.close(), awsServer.close(), runner.close()]);
        await front.close();
        dynamoDb.destroy();
      },
    };
  } catch (error) {
    await Promise.allSettled([streams?.stop(), apiServer?.close(), awsServer.close(), lambda?.close()]);
    await dynamoDbFront?.close();
    dynamoDb.destroy();
    throw error;
  }
}

/** The REST APIs' endpoint, counting each request it answers (API Gateway bills each). */
function meteredApi(endpoint: HttpEndpoint, meter: CloudMeter | undefined): HttpEndpoint {
  if (!meter) return endpoint;
  return async (request) => {
    const response = await endpoint(request);
    if (response) meter.apiRequest();
    return response;
  };
}

function partitionKeyOf(tables: readonly LocalTable[], tableName: string): string {
  const schema = (tables.find((t) => t.tableName === tableName)?.input.KeySchema ?? []) as { AttributeName?: string; KeyType?: string }[];
  return schema.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
}

/**
 * A function told the public URL of one of the stack's REST APIs
 * (`https://<restApiId>.execute-api.<region>.<suffix>/<stage>…`, e.g. for links in
 * messages) gets the local API endpoint instead: the short form
 * `<apiEndpoint>/<stage>…` when one API has that stage, else the long form.
 */
function withLocalApiUrls(model: LocalStackModel, apiEndpoint: string): LocalStackModel['functions'] {
  return model.functions.map((fn) => {
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(fn.environment)) environment[name] = localApiUrl(model, value, apiEndpoint);
    return { ...fn, environment };
  });
}

function localApiUrl(model: LocalStackModel, value: string, apiEndpoint: string): string {
  const match = /^https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.[a-z0-9.]+\/([A-Za-z0-9_-]+)(.*)$/.exec(value);
  const api = match && model.apis.find((a) => a.restApiId === match[1] && a.stageName === match[2]);
  if (!match || !api) return value;
  const unique = model.apis.filter((a) => a.stageName === api.stageName).length === 1;
  const base = unique ? `${apiEndpoint}/${api.stageName}` : `${apiEndpoint}${apiGatewayPath(api, '/').replace(/\/$/, '')}`;
  return `${base}${match[3] ?? ''}`;
}
