/**
 * The local Step Functions engine driven through the AWS SDK over HTTP, with
 * small hand-written definitions, fakes for Lambda and SNS, and the real
 * DynamoDB Local. Time runs at 1/10,000: an hour lasts 0.36 s.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandInput,
  type DescribeExecutionOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { createDynamoDbClient } from '../../local/dynamodb-local';
import {
  LOCAL_AWS,
  type AslDefinition,
  type LambdaInvokeResult,
  type LambdaInvoker,
  type LocalStateMachineSpec,
  type SnsPublishInput,
  type SnsPublisher,
} from '../../local/runtime/contracts';
import { startHttpServer, type LocalHttpServer } from '../../local/runtime/http/server';
import { createClock } from '../../local/runtime/stepfunctions/clock';
import { LocalStepFunctions, type StepFunctionsEvent } from '../../local/runtime/stepfunctions/engine';
import { createStepFunctionsEndpoint } from '../../local/runtime/stepfunctions/sfn-endpoint';
import { testEnv } from '../support/test-env';

const SCALE = 0.0001;
const TABLE = `sfn-records-${randomUUID().slice(0, 8)}`;
const TOPIC = `arn:aws:sns:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:Alerts`;

const machineArn = (name: string) => `arn:aws:states:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:stateMachine:${name}`;
const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:${name}`;

// ---------------------------------------------------------------- fakes

type FakeFunction = (payload: Record<string, unknown>) => unknown;

/** Runs named functions in-process; a thrown error becomes Lambda's error payload, as the real invoker reports it. */
class FakeLambda implements LambdaInvoker {
  constructor(private readonly functions: Record<string, FakeFunction>) {}

  invoke(functionNameOrArn: string, payload: unknown): Promise<LambdaInvokeResult> {
    const name = functionNameOrArn.split(':function:').pop()?.split(':')[0] ?? functionNameOrArn;
    const run = this.functions[name];
    if (!run) throw new Error(`no fake function ${name}`);
    try {
      return Promise.resolve({ statusCode: 200, executedVersion: '$LATEST', payload: run(payload as Record<string, unknown>) });
    } catch (error) {
      const { name: errorType, message: errorMessage } = error as Error;
      return Promise.resolve({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled', payload: { errorType, errorMessage, trace: [] } });
    }
  }
}

class FakeSns implements SnsPublisher {
  readonly published: (SnsPublishInput & { MessageId: string })[] = [];

  publish(input: SnsPublishInput): Promise<{ MessageId: string }> {
    const MessageId = randomUUID();
    this.published.push({ ...input, MessageId });
    return Promise.resolve({ MessageId });
  }

  /** The first message whose JSON body has `run` = runId, once it has been published. */
  async messageForRun(runId: string): Promise<{ token: string; run: string }> {
    for (let waited = 0; waited < 10_000; waited += 10) {
      for (const { Message } of this.published) {
        const body = parseObject(Message);
        if (body?.run === runId && typeof body.token === 'string') return { token: body.token, run: runId };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no message for run ${runId} was published`);
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // e.g. a plain-text summary
  }
}

class Flaky extends Error {
  override readonly name = 'Flaky';
}

const attemptsByKey = new Map<string, number>();
/** Every payload AskInsideManager received, by requestId, in order. */
const askedInside = new Map<string, Record<string, unknown>[]>();
const lambda = new FakeLambda({
  // Records the callback request it got and echoes it; the decision comes later through SendTaskSuccess.
  AskInsideManager: (payload) => {
    const requestId = String(payload.requestId);
    askedInside.set(requestId, [...(askedInside.get(requestId) ?? []), payload]);
    return { asked: payload };
  },
  // Fails `failTimes` times per key with errorType Flaky, then answers with how many attempts it took.
  FlakyWorker: ({ key, failTimes, state, entered }) => {
    const attempt = (attemptsByKey.get(String(key)) ?? 0) + 1;
    attemptsByKey.set(String(key), attempt);
    if (attempt <= Number(failTimes)) throw new Flaky(`attempt ${attempt} of ${String(key)} failed`);
    return { attempts: attempt, state, enteredIsADate: !Number.isNaN(Date.parse(String(entered))) };
  },
  Doubler: ({ value }) => ({ doubled: Number(value) * 2 }),
});
const sns = new FakeSns();

// ---------------------------------------------------------------- definitions

const awaitApproval = (timeoutSeconds: number): AslDefinition => ({
  StartAt: 'AwaitApproval',
  States: {
    AwaitApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
      Parameters: { TopicArn: TOPIC, Message: { 'token.$': '$$.Task.Token', 'run.$': '$.runId' } },
      TimeoutSeconds: timeoutSeconds,
      ResultPath: '$.approval',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Escalate' }],
      End: true,
    },
    Escalate: { Type: 'Pass', Result: 'escalated', ResultPath: '$.escalation', End: true },
  },
});

/** The product's shape: a callback whose deadline is computed at run time and comes with the state input. */
const awaitInsideDecision = (errorHandling: Record<string, unknown>, handlers: Record<string, Record<string, unknown>> = {}): AslDefinition => ({
  StartAt: 'AwaitInsideDecision',
  States: {
    AwaitInsideDecision: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: functionArn('AskInsideManager'), Payload: { 'token.$': '$$.Task.Token', 'requestId.$': '$.requestId' } },
      TimeoutSecondsPath: '$.escalation.insideWarnSeconds',
      ResultPath: '$.decision',
      ...errorHandling,
      End: true,
    },
    ...handlers,
  },
});
const remind = { Type: 'Pass', Result: 'reminded', ResultPath: '$.reminder', End: true };
const recordFailure = { Type: 'Pass', Result: 'recorded', ResultPath: '$.recorded', End: true };

const recordOnce = (resource: string, caught: string): AslDefinition => ({
  StartAt: 'RecordOnce',
  States: {
    RecordOnce: {
      Type: 'Task',
      Resource: resource,
      Parameters: {
        TableName: TABLE,
        Item: { pk: { 'S.$': "States.Format('RUN#{}', $.runId)" }, execution: { 'S.$': '$$.Execution.Id' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      ResultPath: null,
      Catch: [{ ErrorEquals: [caught], ResultPath: '$.recordError', Next: 'AlreadyRecorded' }],
      End: true,
    },
    AlreadyRecorded: { Type: 'Pass', Result: true, ResultPath: '$.duplicate', End: true },
  },
});

const DEFINITIONS: Record<string, AslDefinition> = {
  RetryFlaky: {
    StartAt: 'DoubleItem',
    States: {
      DoubleItem: {
        Type: 'Task',
        Resource: functionArn('FlakyWorker'),
        Parameters: { 'key.$': '$.key', 'failTimes.$': '$.failTimes', 'state.$': '$$.State.Name', 'entered.$': '$$.State.EnteredTime' },
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 3, IntervalSeconds: 2, BackoffRate: 2, JitterStrategy: 'FULL' }],
        End: true,
      },
    },
  },
  MapDouble: {
    StartAt: 'ProcessItems',
    States: {
      ProcessItems: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Double',
          States: {
            Double: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: functionArn('Doubler'), 'Payload.$': '$' },
              ResultSelector: { 'doubled.$': '$.Payload.doubled', 'status.$': '$.StatusCode' },
              End: true,
            },
          },
        },
        ResultPath: '$.results',
        End: true,
      },
    },
  },
  RouteByKind: {
    StartAt: 'RouteByKind',
    States: {
      RouteByKind: {
        Type: 'Choice',
        Choices: [{ Variable: '$.kind', StringEquals: 'items', Next: 'Routed' }],
        Default: 'UnknownKind',
      },
      Routed: { Type: 'Pass', Result: 'items route', ResultPath: '$.route', End: true },
      UnknownKind: { Type: 'Fail', Error: 'UnknownKind', Cause: 'kind must be items' },
    },
  },
  RecordOnce: recordOnce('arn:aws:states:::dynamodb:putItem', 'DynamoDB.ConditionalCheckFailedException'),
  RecordOnceViaSdk: recordOnce('arn:aws:states:::aws-sdk:dynamodb:putItem', 'DynamoDb.ConditionalCheckFailedException'),
  Notify: {
    StartAt: 'NotifyOps',
    States: {
      NotifyOps: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: {
          TopicArn: TOPIC,
          'Message.$': '$.summary',
          Subject: 'Fixture run',
          MessageAttributes: { severity: { DataType: 'String', 'StringValue.$': '$.severity' } },
        },
        ResultPath: '$.published',
        End: true,
      },
    },
  },
  AwaitInsideDecision: awaitInsideDecision({
    Catch: [
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Remind' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' },
    ],
  }, { Remind: remind, RecordFailure: recordFailure }),
  AwaitInsideDecisionTwice: awaitInsideDecision({ Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1, IntervalSeconds: 60 }] }),
  AwaitApproval: awaitApproval(86_400),
  AwaitApprovalBriefly: awaitApproval(3600),
  PauseOneHour: {
    StartAt: 'PauseOneHour',
    States: { PauseOneHour: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } },
  },
  PauseAsTold: {
    StartAt: 'PauseSeconds',
    States: {
      PauseSeconds: { Type: 'Wait', SecondsPath: '$.delaySeconds', Next: 'PauseUntil' },
      PauseUntil: { Type: 'Wait', TimestampPath: '$.until', Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  },
  ChildFlow: {
    StartAt: 'Echo',
    States: { Echo: { Type: 'Pass', Parameters: { 'child.$': '$.label', 'executionName.$': '$$.Execution.Name' }, End: true } },
  },
  ParentFlow: {
    StartAt: 'StartChild',
    States: {
      StartChild: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: { StateMachineArn: machineArn('ChildFlow'), Input: { 'label.$': '$.runId' }, 'Name.$': "States.Format('{}-child', $.runId)" },
        ResultSelector: { 'output.$': '$.Output', 'status.$': '$.Status' },
        ResultPath: '$.child',
        End: true,
      },
    },
  },
  ParentAwaitingApproval: {
    StartAt: 'RunApproval',
    States: {
      RunApproval: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync',
        Parameters: { StateMachineArn: machineArn('AwaitApproval'), Input: { 'runId.$': '$.runId' } },
        ResultSelector: { 'output.$': '$.Output' },
        ResultPath: '$.approvalRun',
        End: true,
      },
    },
  },
  TimesOut: {
    TimeoutSeconds: 3600,
    StartAt: 'PauseTooLong',
    States: { PauseTooLong: { Type: 'Wait', Seconds: 7200, End: true } },
  },
  UnknownIntegration: {
    StartAt: 'Enqueue',
    States: { Enqueue: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'x' }, End: true } },
  },
};

const EXPRESS_MACHINES = new Set(['ExpressRoute']);
DEFINITIONS.ExpressRoute = DEFINITIONS.RouteByKind as AslDefinition;

const specs: LocalStateMachineSpec[] = Object.entries(DEFINITIONS).map(([name, definition]) => ({
  logicalId: name,
  name,
  arn: machineArn(name),
  type: EXPRESS_MACHINES.has(name) ? 'EXPRESS' : 'STANDARD',
  roleArn: `arn:aws:iam::${LOCAL_AWS.accountId}:role/${name}Role`,
  definition,
}));

// ---------------------------------------------------------------- harness

let dynamoDb: DynamoDBClient;
let engine: LocalStepFunctions;
let server: LocalHttpServer;
let sfn: SFNClient;
const engineEvents: StepFunctionsEvent[] = [];

function sfnClient(alterRequest?: (request: { headers: Record<string, string>; body?: unknown }) => void): SFNClient {
  const client = new SFNClient({ endpoint: server.url, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, maxAttempts: 1 });
  if (alterRequest) {
    client.middlewareStack.add(
      (next) => (args) => {
        alterRequest(args.request as { headers: Record<string, string>; body?: unknown });
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
  }
  return client;
}

async function start(machine: string, input: unknown, name?: string): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machineArn(machine), input: JSON.stringify(input), ...(name !== undefined && { name }) }),
  );
  if (!executionArn) throw new Error('StartExecution returned no executionArn');
  return executionArn;
}

async function finished(executionArn: string): Promise<DescribeExecutionOutput> {
  for (let waited = 0; waited < 15_000; waited += 20) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${executionArn} is still running`);
}

async function outputOf(executionArn: string): Promise<unknown> {
  const execution = await finished(executionArn);
  expect(execution).toMatchObject({ status: 'SUCCEEDED' });
  return JSON.parse(execution.output ?? 'null');
}

/** The payloads AskInsideManager received for a request, once there are `count` of them. */
async function askedInsideFor(requestId: string, count = 1): Promise<Record<string, unknown>[]> {
  for (let waited = 0; waited < 10_000; waited += 10) {
    const asked = askedInside.get(requestId) ?? [];
    if (asked.length >= count) return asked;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`AskInsideManager was not asked ${count} time(s) about ${requestId}`);
}

async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

/** The SDK's error name for a call, or 'no error'. */
async function errorNameOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'no error';
  } catch (error) {
    return (error as Error).name;
  }
}

beforeAll(async () => {
  dynamoDb = createDynamoDbClient(testEnv('dynamoDbEndpoint'));
  await dynamoDb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  engine = new LocalStepFunctions({ stateMachines: specs, lambda, sns, dynamoDbEndpoint: testEnv('dynamoDbEndpoint'), clock: createClock({ scale: SCALE }) });
  engine.onEvent((event) => engineEvents.push(event));
  server = await startHttpServer([createStepFunctionsEndpoint(engine)]);
  sfn = sfnClient();
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  await engine?.close();
  await dynamoDb?.send(new DeleteTableCommand({ TableName: TABLE }));
  dynamoDb?.destroy();
});

// ---------------------------------------------------------------- workflows

describe('running workflows', () => {
  test('a Lambda task failing twice with Flaky is retried and then succeeds, seeing its own $$.State', async () => {
    const executionArn = await start('RetryFlaky', { key: randomUUID(), failTimes: 2 });

    expect(await outputOf(executionArn)).toEqual({ attempts: 3, state: 'DoubleItem', enteredIsADate: true });
    const lambdaEvents = (await historyOf(executionArn)).filter((event) => event.type?.startsWith('LambdaFunction'));
    expect(lambdaEvents.filter((event) => event.type === 'LambdaFunctionFailed').map((event) => event.lambdaFunctionFailedEventDetails?.error)).toEqual([
      'Flaky',
      'Flaky',
    ]);
    expect(lambdaEvents.at(-1)?.type).toBe('LambdaFunctionSucceeded');
  });

  test('a Lambda error carries its errorType as error and its error payload as cause', async () => {
    const key = randomUUID();
    const executionArn = await start('RetryFlaky', { key, failTimes: 9 });

    const execution = await finished(executionArn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Flaky' });
    expect(JSON.parse(execution.cause ?? '{}')).toEqual({ errorType: 'Flaky', errorMessage: `attempt 4 of ${key} failed`, trace: [] });
  });

  test('a Map runs its lambda:invoke task for each of 3 items and collects the wrapped results in order', async () => {
    const executionArn = await start('MapDouble', { items: [{ value: 1 }, { value: 2 }, { value: 3 }] });

    expect(await outputOf(executionArn)).toMatchObject({
      results: [
        { doubled: 2, status: 200 },
        { doubled: 4, status: 200 },
        { doubled: 6, status: 200 },
      ],
    });
    const history = await historyOf(executionArn);
    expect(history.filter((event) => event.type === 'MapIterationSucceeded').map((event) => event.mapIterationSucceededEventDetails?.index).sort()).toEqual([0, 1, 2]);
    expect(history.filter((event) => event.type === 'TaskSucceeded')).toHaveLength(3);
  });

  test('a Choice routes by the input', async () => {
    const executionArn = await start('RouteByKind', { kind: 'items' });

    expect(await outputOf(executionArn)).toEqual({ kind: 'items', route: 'items route' });
    expect((await historyOf(executionArn)).map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  test('a failing execution shows its error and cause in DescribeExecution and ExecutionFailed in its history', async () => {
    const executionArn = await start('RouteByKind', { kind: 'stones' });

    expect(await finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'UnknownKind', cause: 'kind must be items' });
    expect((await historyOf(executionArn)).at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'UnknownKind', cause: 'kind must be items' },
    });
  });

  test('a conditional DynamoDB put writes once; the second is caught as DynamoDB.ConditionalCheckFailedException', async () => {
    const runId = randomUUID();
    const first = await start('RecordOnce', { runId });
    expect(await outputOf(first)).toEqual({ runId });
    const second = await start('RecordOnce', { runId });

    expect(await outputOf(second)).toMatchObject({ runId, duplicate: true, recordError: { Error: 'DynamoDB.ConditionalCheckFailedException' } });
    const stored = await dynamoDb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `RUN#${runId}` } } }));
    expect(stored.Item?.execution).toEqual({ S: first });
  });

  test('through the aws-sdk integration the same failure is named DynamoDb.ConditionalCheckFailedException', async () => {
    const runId = randomUUID();
    await outputOf(await start('RecordOnceViaSdk', { runId }));
    const second = await start('RecordOnceViaSdk', { runId });

    expect(await outputOf(second)).toMatchObject({ duplicate: true, recordError: { Error: 'DynamoDb.ConditionalCheckFailedException' } });
  });

  test('sns:publish publishes the message with its subject and attributes and returns the MessageId', async () => {
    const summary = `3 items done (${randomUUID()})`;
    const executionArn = await start('Notify', { summary, severity: 'high' });

    const output = (await outputOf(executionArn)) as { published: { MessageId: string; SdkHttpMetadata: { HttpStatusCode: number } } };
    const message = sns.published.find((published) => published.Message === summary);
    expect(message).toMatchObject({ TopicArn: TOPIC, Subject: 'Fixture run', MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } } });
    expect(output.published.MessageId).toBe(message?.MessageId);
    expect(output.published.SdkHttpMetadata.HttpStatusCode).toBe(200);
  });

  test('a Wait of 3600 s completes at scale 1/10,000', async () => {
    const executionArn = await start('PauseOneHour', {});
    expect(await finished(executionArn)).toMatchObject({ status: 'SUCCEEDED' });
  });

  test('Waits on SecondsPath and TimestampPath complete, pass their input through and show as Wait states', async () => {
    const input = { delaySeconds: 3600, until: new Date(Date.now() + 3_600_000).toISOString() };
    const executionArn = await start('PauseAsTold', input);

    expect(await outputOf(executionArn)).toEqual(input);
    const types = (await historyOf(executionArn)).map((event) => event.type);
    expect(types.filter((type) => type === 'WaitStateExited')).toHaveLength(2);
    expect(types.some((type) => type?.startsWith('Task'))).toBe(false);
  });

  test('a child execution run with startExecution.sync:2 returns its output as JSON and knows its own name', async () => {
    const runId = `run-${randomUUID().slice(0, 8)}`;
    const executionArn = await start('ParentFlow', { runId });

    expect(await outputOf(executionArn)).toEqual({
      runId,
      child: { status: 'SUCCEEDED', output: { child: runId, executionName: `${runId}-child` } },
    });
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn('ChildFlow') }));
    expect(executions?.map((execution) => execution.name)).toContain(`${runId}-child`);
  });

  test('startExecution.sync waits for a child that waits for a person, and returns its output as JSON text', async () => {
    const runId = randomUUID();
    const executionArn = await start('ParentAwaitingApproval', { runId });
    const { token } = await sns.messageForRun(runId);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));

    const output = (await outputOf(executionArn)) as { approvalRun: { output: string } };
    expect(JSON.parse(output.approvalRun.output)).toEqual({ runId, approval: { approved: true } });
  });

  test('stopping a parent stops the child execution it waits for', async () => {
    const runId = randomUUID();
    const executionArn = await start('ParentAwaitingApproval', { runId });
    await sns.messageForRun(runId);
    const submitted = (await historyOf(executionArn)).find((event) => event.type === 'TaskSubmitted');
    const child = JSON.parse(submitted?.taskSubmittedEventDetails?.output ?? '{}') as { ExecutionArn: string };

    await sfn.send(new StopExecutionCommand({ executionArn }));

    expect(await finished(child.ExecutionArn)).toMatchObject({ status: 'ABORTED', input: JSON.stringify({ runId }) });
  });

  test('an execution running longer than its TimeoutSeconds ends TIMED_OUT with ExecutionTimedOut in its history', async () => {
    const executionArn = await start('TimesOut', {});

    expect(await finished(executionArn)).toMatchObject({ status: 'TIMED_OUT' });
    expect((await historyOf(executionArn)).at(-1)?.type).toBe('ExecutionTimedOut');
  });

  test('a Task whose integration has no local stand-in fails the execution with States.Runtime naming state and resource', async () => {
    const executionArn = await start('UnknownIntegration', {});

    const execution = await finished(executionArn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toContain("'Enqueue'");
    expect(execution.cause).toContain('arn:aws:states:::sqs:sendMessage');
  });
});

describe('task tokens', () => {
  test('the token arrives in the published message; SendTaskSuccess over HTTP completes the task, a second one finds no task', async () => {
    const runId = randomUUID();
    const executionArn = await start('AwaitApproval', { runId });
    const { token } = await sns.messageForRun(runId);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'inside manager' }) }));

    expect(await outputOf(executionArn)).toEqual({ runId, approval: { approvedBy: 'inside manager' } });
    expect(await errorNameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskDoesNotExist');
    expect((await historyOf(executionArn)).map((event) => event.type)).toEqual(
      expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']) as string[],
    );
  });

  test('tokens are unguessable: each task attempt gets its own, at least 128 bits', async () => {
    const runs = [randomUUID(), randomUUID()];
    const executions = await Promise.all(runs.map((runId) => start('AwaitApproval', { runId })));
    const tokens = await Promise.all(runs.map(async (runId) => (await sns.messageForRun(runId)).token));

    expect(new Set(tokens).size).toBe(2);
    for (const token of tokens) expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    await Promise.all(executions.map((executionArn) => sfn.send(new StopExecutionCommand({ executionArn }))));
  });

  test('SendTaskFailure fails the task with the given error and cause', async () => {
    const runId = randomUUID();
    const executionArn = await start('AwaitApproval', { runId });
    const { token } = await sns.messageForRun(runId);

    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Declined', cause: 'no geese left' }));

    expect(await finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'Declined', cause: 'no geese left' });
  });

  test('a task token unanswered for TimeoutSeconds 3600 times out at scale 1/10,000 and States.Timeout is caught', async () => {
    const runId = randomUUID();
    const executionArn = await start('AwaitApprovalBriefly', { runId });
    const { token } = await sns.messageForRun(runId);

    expect(await outputOf(executionArn)).toMatchObject({ runId, escalation: 'escalated', timeout: { Error: 'States.Timeout' } });
    expect((await historyOf(executionArn)).map((event) => event.type)).toContain('TaskTimedOut');
    expect(await errorNameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskDoesNotExist');
  });

  test('a malformed token is InvalidToken and output that is not JSON is InvalidOutput', async () => {
    const runId = randomUUID();
    const executionArn = await start('AwaitApproval', { runId });
    const { token } = await sns.messageForRun(runId);

    expect(await errorNameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })))).toBe('InvalidToken');
    expect(await errorNameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{not json' })))).toBe('InvalidOutput');
    // The refused output left the task waiting for a proper answer.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
    expect(await outputOf(executionArn)).toMatchObject({ approval: 'ok' });
  });
});

describe('TimeoutSecondsPath', () => {
  const insideDecisionInput = (insideWarnSeconds: unknown) => ({
    requestId: randomUUID(),
    escalation: insideWarnSeconds === undefined ? {} : { insideWarnSeconds },
  });

  test('a callback unanswered past its TimeoutSecondsPath deadline times out at scale and the States.Timeout Catch takes over', async () => {
    const input = insideDecisionInput(3600);
    const executionArn = await start('AwaitInsideDecision', input);
    const [asked] = await askedInsideFor(input.requestId);

    expect(await outputOf(executionArn)).toEqual({ ...input, reminder: 'reminded', timeout: { Error: 'States.Timeout', Cause: expect.stringContaining('3600') as string } });
    const history = await historyOf(executionArn);
    expect(history.map((event) => event.type)).toContain('TaskTimedOut');
    expect(history.map((event) => event.type)).not.toContain('TaskFailed');
    expect(history.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails?.timeoutInSeconds).toBe(3600);
    expect(await errorNameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: String(asked?.token), output: '{}' })))).toBe('TaskDoesNotExist');
  });

  test('a callback answered before its TimeoutSecondsPath deadline succeeds with the callback output; the function got the declared Parameters', async () => {
    const input = insideDecisionInput(86_400);
    const executionArn = await start('AwaitInsideDecision', input);
    const [asked] = await askedInsideFor(input.requestId);

    expect(asked).toEqual({ token: expect.any(String) as string, requestId: input.requestId });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: String(asked?.token), output: JSON.stringify({ approved: true }) }));

    expect(await outputOf(executionArn)).toEqual({ ...input, decision: { approved: true } });
    const history = await historyOf(executionArn);
    const scheduled = history.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled?.timeoutInSeconds).toBe(86_400);
    expect(JSON.parse(scheduled?.parameters ?? '{}')).toEqual({ FunctionName: functionArn('AskInsideManager'), Payload: asked });
    const submitted = JSON.parse(history.find((event) => event.type === 'TaskSubmitted')?.taskSubmittedEventDetails?.output ?? '{}') as { Payload: unknown };
    expect(submitted.Payload).toEqual({ asked });
  });

  test.each([
    ['a fraction', 1.5],
    ['zero', 0],
    ['a negative number', -60],
    ['a numeric string', '3600'],
    ['missing', undefined],
  ])('a TimeoutSecondsPath value that is %s fails the execution with States.Runtime naming state and path, before anything is asked', async (_case, value) => {
    const input = insideDecisionInput(value);
    const executionArn = await start('AwaitInsideDecision', input);

    const execution = await finished(executionArn);
    // States.Runtime is not caught, not even by the States.ALL catcher, as in AWS.
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toContain("'AwaitInsideDecision'");
    expect(execution.cause).toContain('$.escalation.insideWarnSeconds');
    expect(askedInside.has(input.requestId)).toBe(false);
    expect((await historyOf(executionArn)).map((event) => event.type)).not.toContain('TaskScheduled');
  });

  test('a States.Timeout retrier retries a TimeoutSecondsPath timeout with a fresh token, then the execution fails with States.Timeout', async () => {
    const input = insideDecisionInput(3600);
    const executionArn = await start('AwaitInsideDecisionTwice', input);

    expect(await finished(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const asked = await askedInsideFor(input.requestId, 2);
    expect(new Set(asked.map((payload) => payload.token)).size).toBe(2);
    expect((await historyOf(executionArn)).filter((event) => event.type === 'TaskTimedOut')).toHaveLength(2);
  });
});

describe('executions', () => {
  test('starting a running execution again with the same name and input returns it; nothing runs twice', async () => {
    const runId = randomUUID();
    const name = `dup-${runId}`;
    const first = await start('AwaitApproval', { runId }, name);
    const again = await start('AwaitApproval', { runId }, name);

    expect(again).toBe(first);
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn('AwaitApproval') }));
    expect(executions?.filter((execution) => execution.name === name)).toHaveLength(1);
    expect(sns.published.filter((message) => message.Message.includes(runId))).toHaveLength(1);
    await sfn.send(new StopExecutionCommand({ executionArn: first }));
  });

  test('the same name with a different input, or after the execution ended, is ExecutionAlreadyExists', async () => {
    const runId = randomUUID();
    const name = `dup-${runId}`;
    const executionArn = await start('AwaitApproval', { runId }, name);

    expect(await errorNameOf(start('AwaitApproval', { runId: 'other' }, name))).toBe('ExecutionAlreadyExists');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect(await errorNameOf(start('AwaitApproval', { runId }, name))).toBe('ExecutionAlreadyExists');
  });

  test('StopExecution aborts a waiting execution and its task token stops being valid', async () => {
    const runId = randomUUID();
    const executionArn = await start('AwaitApproval', { runId });
    const { token } = await sns.messageForRun(runId);

    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'customer withdrew' }));

    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Cancelled', stopDate: expect.any(Date) as Date });
    expect(await errorNameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskDoesNotExist');
    const history = await historyOf(executionArn);
    expect(history.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Cancelled', cause: 'customer withdrew' } });
  });

  test('EXPRESS machines run every start, even under the same name, with express execution ARNs', async () => {
    const first = await start('ExpressRoute', { kind: 'items' }, 'same-name');
    const second = await start('ExpressRoute', { kind: 'items' }, 'same-name');

    expect(first).not.toBe(second);
    expect(first).toMatch(/^arn:aws:states:[^:]+:\d{12}:express:ExpressRoute:same-name:/);
    expect(await outputOf(first)).toEqual(await outputOf(second));
  });

  test('execution ARNs follow AWS: arn:aws:states:<region>:<account>:execution:<machine>:<name>', async () => {
    const executionArn = await start('PauseOneHour', {}, 'named-run');
    expect(executionArn).toBe(`arn:aws:states:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:execution:PauseOneHour:named-run`);
    await finished(executionArn);
  });

  test('ListExecutions lists newest first, filters by status and pages', async () => {
    const started: string[] = [];
    for (const kind of ['items', 'items', 'rocks']) started.push(await start('RouteByKind', { kind }));
    await Promise.all(started.map(finished));
    const stateMachineArn = machineArn('RouteByKind');

    const firstPage = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
    expect(firstPage.executions?.map((execution) => execution.executionArn)).toEqual([started[2], started[1]]);
    const secondPage = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken: firstPage.nextToken }));
    expect(secondPage.executions?.[0]?.executionArn).toBe(started[0]);
    const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
    expect(failed.executions?.every((execution) => execution.status === 'FAILED')).toBe(true);
    expect(failed.executions?.map((execution) => execution.executionArn)).toContain(started[2]);
  });

  test('GetExecutionHistory numbers its events, pages them, and reverses them on request', async () => {
    const executionArn = await start('RouteByKind', { kind: 'items' });
    await finished(executionArn);
    const all = await historyOf(executionArn);

    expect(all.map((event) => event.id)).toEqual(all.map((_event, index) => index + 1));
    expect(all.every((event) => event.timestamp instanceof Date && event.previousEventId === (event.id ?? 0) - 1)).toBe(true);
    const pages: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, nextToken }));
      pages.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toEqual(all);
    const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }));
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
  });

  test('listeners hear an execution start running and end, with its history events in between', async () => {
    const executionArn = await start('RouteByKind', { kind: 'items' });
    await finished(executionArn);

    const heard = engineEvents.filter((event) => event.executionArn === executionArn);
    expect(heard.filter((event) => event.kind === 'status').map((event) => event.kind === 'status' && event.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(heard.filter((event) => event.kind === 'history')).toHaveLength((await historyOf(executionArn)).length);
  });

  test.each([
    ['a name with whitespace', 'InvalidName', machineArn('RouteByKind'), 'two words', '{}'],
    ['a name of 81 characters', 'InvalidName', machineArn('RouteByKind'), 'x'.repeat(81), '{}'],
    ['input that is not JSON', 'InvalidExecutionInput', machineArn('RouteByKind'), undefined, '{kind:'],
    ['input above 256 KiB', 'InvalidExecutionInput', machineArn('RouteByKind'), undefined, JSON.stringify({ pad: 'x'.repeat(262_144) })],
    ['an unknown state machine', 'StateMachineDoesNotExist', machineArn('NoSuchFlow'), undefined, '{}'],
    ['a malformed state machine ARN', 'InvalidArn', 'not-an-arn', undefined, '{}'],
  ])('StartExecution with %s is refused with %s', async (_case, expected, stateMachineArn, name, input) => {
    const command = new StartExecutionCommand({ stateMachineArn, input, ...(name !== undefined && { name }) });
    expect(await errorNameOf(sfn.send(command))).toBe(expected);
  });
});

describe('state machines', () => {
  test('ListStateMachines and DescribeStateMachine show the declared definition, role, type and status', async () => {
    const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((machine) => machine.name)).toEqual(expect.arrayContaining(['RetryFlaky', 'ParentFlow']) as string[]);

    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn('PauseOneHour') }));
    expect(described).toMatchObject({
      name: 'PauseOneHour',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: `arn:aws:iam::${LOCAL_AWS.accountId}:role/PauseOneHourRole`,
      creationDate: expect.any(Date) as Date,
    });
    // The declared definition, not the compressed one the engine runs.
    expect(JSON.parse(described.definition ?? '{}')).toEqual(DEFINITIONS.PauseOneHour);
  });

  test.each([
    ['JSONata', { StartAt: 'Shape', QueryLanguage: 'JSONata', States: { Shape: { Type: 'Pass', End: true } } }, 'JSONata'],
    ['Assign', { StartAt: 'Remember', States: { Remember: { Type: 'Pass', Assign: { seen: true }, End: true } } }, "'Remember'"],
    [
      'HeartbeatSeconds',
      { StartAt: 'Beat', States: { Beat: { Type: 'Task', Resource: functionArn('Doubler'), HeartbeatSeconds: 30, End: true } } },
      "'Beat'",
    ],
  ])('a definition using %s is refused at load, naming the machine and the state', (_feature, definition, mentioned) => {
    const spec: LocalStateMachineSpec = { logicalId: 'Refused', name: 'RefusedFlow', arn: machineArn('RefusedFlow'), type: 'STANDARD', definition };
    const load = () => new LocalStepFunctions({ stateMachines: [spec], lambda, sns, dynamoDbEndpoint: testEnv('dynamoDbEndpoint'), clock: createClock({ scale: SCALE }) });
    expect(load).toThrow(/RefusedFlow/);
    expect(load).toThrow(mentioned);
  });

  test('a TimeoutSecondsPath Task matching States.TaskFailed in its Catch is refused at load, saying the timeout would match it', () => {
    const definition = awaitInsideDecision({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'RecordFailure' }] }, { RecordFailure: recordFailure });
    const spec: LocalStateMachineSpec = { logicalId: 'Refused', name: 'RefusedFlow', arn: machineArn('RefusedFlow'), type: 'STANDARD', definition };
    const load = () => new LocalStepFunctions({ stateMachines: [spec], lambda, sns, dynamoDbEndpoint: testEnv('dynamoDbEndpoint'), clock: createClock({ scale: SCALE }) });
    expect(load).toThrow(/RefusedFlow.*'AwaitInsideDecision'.*States\.TaskFailed.*does not match States\.Timeout/);
  });
});

describe('the HTTP endpoint', () => {
  test('malformed calls get AWS error names and the server keeps serving', async () => {
    const badJson = sfnClient((request) => {
      request.body = '{"executionArn": ';
      request.headers['content-length'] = String(Buffer.byteLength('{"executionArn": '));
    });
    const unknownOperation = sfnClient((request) => {
      request.headers['x-amz-target'] = 'AWSStepFunctions.FlyToTheMoon';
    });

    expect(await errorNameOf(badJson.send(new DescribeExecutionCommand({ executionArn: 'x' })))).toBe('SerializationException');
    expect(await errorNameOf(unknownOperation.send(new ListStateMachinesCommand({})))).toBe('UnknownOperationException');
    expect(await errorNameOf(sfn.send(new DescribeExecutionCommand({} as DescribeExecutionCommandInput)))).toBe('ValidationException');
    const unknownArn = `arn:aws:states:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:execution:RouteByKind:never-started`;
    expect(await errorNameOf(sfn.send(new DescribeExecutionCommand({ executionArn: unknownArn })))).toBe('ExecutionDoesNotExist');
    expect(await errorNameOf(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'nonsense' })))).toBe('InvalidArn');
    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines?.length).toBe(specs.length);
    badJson.destroy();
    unknownOperation.destroy();
  });

  test('a missing field is named in the ValidationException message', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.SendTaskSuccess' },
      body: JSON.stringify({ taskToken: 'abc' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'ValidationException', message: expect.stringContaining("'output'") as string });
  });

  test('requests for other services are left to the next endpoint', async () => {
    const response = await fetch(`${server.url}/?Action=Publish`, { method: 'POST', body: 'Action=Publish' });
    expect(response.status).toBe(404);
  });
});
