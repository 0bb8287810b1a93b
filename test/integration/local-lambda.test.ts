import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../../local/dynamodb-local';
import { AwsServiceError, LOCAL_AWS, type LocalFunctionSpec } from '../../local/runtime/contracts';
import { LocalLambdaRunner, type LambdaLogLine } from '../../local/runtime/lambda';
import { HANDLERS_DIR, handlerSpec, lambdaArn, synthesizeRuntimeFixture, type SynthesizedFixture } from '../fixtures/local-lambda/specs';
import { testEnv } from '../support/test-env';

function baseEnvironment(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: testEnv('dynamoDbEndpoint'),
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function proxyEvent(path: string): APIGatewayProxyEvent {
  return {
    resource: '/items-open/{id}',
    path,
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: '7' },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}

describe('LocalLambdaRunner', () => {
  const tableName = `local-lambda-${randomUUID().slice(0, 8)}`;
  const logs: LambdaLogLine[] = [];
  let dynamoDb: DynamoDBClient;
  let fixture: SynthesizedFixture;
  let runner: LocalLambdaRunner;
  let worker: LocalFunctionSpec;

  beforeAll(async () => {
    dynamoDb = createDynamoDbClient(testEnv('dynamoDbEndpoint'));
    await dynamoDb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    fixture = synthesizeRuntimeFixture(tableName);
    worker = fixture.worker;
    runner = new LocalLambdaRunner(
      [
        worker,
        handlerSpec('Sleepy', 'sleep'),
        handlerSpec('Shared', 'sleep', { timeoutSeconds: 2 }),
        handlerSpec('Inspector', 'inspect', { environment: { FROM_TEMPLATE: 'template', AWS_REGION: 'us-east-1' } }),
        handlerSpec('Callback22', 'callback', { runtime: 'nodejs22.x' }),
        handlerSpec('Callback24', 'callback'),
        handlerSpec('Big', 'big'),
        handlerSpec('Exiter', 'exit'),
      ],
      { baseEnvironment: { ...baseEnvironment(), FROM_BASE: 'base' }, log: (line) => logs.push(line) },
    );
  });

  afterAll(async () => {
    await runner?.close();
    fixture?.remove();
    await dynamoDb?.send(new DeleteTableCommand({ TableName: tableName }));
    dynamoDb?.destroy();
  });

  test('the first invoke is a cold start and the next one reuses the warm environment', async () => {
    const first = await runner.invoke(worker.functionName, { op: 'double', value: 1 });
    const second = await runner.invoke(worker.functionName, { op: 'double', value: 2 });

    expect(first.functionError).toBeUndefined();
    expect(second.payload).toEqual({ doubled: 4 });
    expect(runner.stats()[worker.functionName]).toMatchObject({ coldStarts: 1, invocations: 2, liveEnvironments: 1 });
  });

  test('the fixture Worker answers a double task for 21 with 42, as Lambda Invoke would', async () => {
    const result = await runner.invoke(worker.functionName, { op: 'double', value: 21 });

    expect(result).toEqual({ statusCode: 200, payload: { doubled: 42 }, executedVersion: '$LATEST' });
  });

  test('the Worker sees its template environment (GREETING, TABLE_NAME) when it answers an API proxy event', async () => {
    const result = await runner.invoke(worker.arn, proxyEvent('/items-open/7'));

    const response = result.payload as APIGatewayProxyResult;
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      greeting: 'hello from the template',
      tableName,
      pathParameters: { id: '7' },
    });
  });

  test('an error the handler throws becomes functionError Unhandled with errorType Flaky, and the retry succeeds', async () => {
    const task = { op: 'double', value: 5, failTimes: 1, attemptKey: randomUUID() };

    const failed = await runner.invoke(worker.functionName, task);
    const retried = await runner.invoke(worker.functionName, task);

    expect(failed.statusCode).toBe(200);
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.payload).toMatchObject({ errorType: 'Flaky', errorMessage: `attempt 1 of ${task.attemptKey} fails on purpose` });
    expect((failed.payload as { trace: string[] }).trace[0]).toContain('fails on purpose');
    expect(retried).toMatchObject({ payload: { doubled: 10 } });
    expect(retried.functionError).toBeUndefined();
  });

  test('a handler that exceeds its timeout fails with Sandbox.Timedout, and the next invoke runs in a fresh environment', async () => {
    const timedOut = await runner.invoke('Sleepy', { ms: 3_000 });
    const next = await runner.invoke('Sleepy', { ms: 1 });

    expect(timedOut.functionError).toBe('Unhandled');
    expect(timedOut.payload).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/) as unknown,
    });
    expect(next).toMatchObject({ payload: { slept: 1, invocationsInThisEnvironment: 1 } });
    expect(runner.stats().Sleepy).toMatchObject({ coldStarts: 2, timeouts: 1 });
  });

  test('concurrent invocations share one warm environment, and one timing out does not cut the others short', async () => {
    const slow = runner.invoke('Shared', { ms: 5_000 }); // times out after 2 s
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const overlapping = runner.invoke('Shared', { ms: 1_000 }); // still running when `slow` times out
    const [timedOut, finished] = await Promise.all([slow, overlapping]);
    const afterwards = await runner.invoke('Shared', { ms: 1 });

    expect(timedOut.payload).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(finished).toMatchObject({ payload: { slept: 1_000, invocationsInThisEnvironment: 2 } });
    expect(afterwards).toMatchObject({ payload: { invocationsInThisEnvironment: 1 } });
    expect(runner.stats().Shared).toMatchObject({ coldStarts: 2, invocations: 3, timeouts: 1 });
  });

  test('an unknown function name or ARN is ResourceNotFoundException (404)', async () => {
    const byName = runner.invoke('NoSuchFunction', {});
    const byArn = runner.invoke(lambdaArn('NoSuchFunction'), {});

    await expect(byName).rejects.toBeInstanceOf(AwsServiceError);
    await expect(byName).rejects.toMatchObject({ code: 'ResourceNotFoundException', statusCode: 404 });
    await expect(byArn).rejects.toThrow(`Function not found: ${lambdaArn('NoSuchFunction')}`);
  });

  test('a function is found by name, by ARN, and by ARN with a $LATEST or alias qualifier', async () => {
    const results = await Promise.all(
      [worker.functionName, worker.arn, `${worker.arn}:$LATEST`, `${worker.functionName}:live`].map((ref) =>
        runner.invoke(ref, { op: 'double', value: 3 }),
      ),
    );

    expect(results.map((r) => r.payload)).toEqual([{ doubled: 6 }, { doubled: 6 }, { doubled: 6 }, { doubled: 6 }]);
  });

  test('the handler gets Lambda reserved variables that the template cannot override, and a Lambda-shaped context', async () => {
    const result = await runner.invoke(`${lambdaArn('Inspector')}:$LATEST`, { hello: 'world' });

    expect(result.payload).toMatchObject({
      env: {
        AWS_LAMBDA_FUNCTION_NAME: 'Inspector',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_REGION: LOCAL_AWS.region,
        LAMBDA_TASK_ROOT: HANDLERS_DIR,
        _HANDLER: 'handlers.inspect',
        FROM_BASE: 'base',
      },
      context: {
        functionName: 'Inspector',
        invokedFunctionArn: `${lambdaArn('Inspector')}:$LATEST`,
        memoryLimitInMB: '128',
        logGroupName: '/aws/lambda/Inspector',
      },
    });
    const { context } = result.payload as { context: { awsRequestId: string; remainingMs: number } };
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(context.remainingMs).toBeLessThanOrEqual(1_000);
    expect(logs).toContainEqual({ functionName: 'Inspector', requestId: context.awsRequestId, level: 'INFO', message: "inspecting { hello: 'world' }" });
  });

  test('callback-style handlers run on nodejs22.x and fail init with Runtime.CallbackHandlerDeprecated on nodejs24.x', async () => {
    const on22 = await runner.invoke('Callback22', {});
    const on24 = await runner.invoke('Callback24', {});

    expect(on22.payload).toEqual({ via: 'callback' });
    expect(on24).toMatchObject({ functionError: 'Unhandled', payload: { errorType: 'Runtime.CallbackHandlerDeprecated' } });
  });

  test('payloads over 6 MB are refused: the request with RequestTooLargeException, the response as a function error', async () => {
    await expect(runner.invoke('Big', { padding: 'x'.repeat(6 * 1024 * 1024) })).rejects.toMatchObject({
      code: 'RequestTooLargeException',
      statusCode: 413,
    });
    const response = await runner.invoke('Big', { bytes: 6_300_000 });

    expect(response).toMatchObject({ functionError: 'Unhandled', payload: { errorType: 'Function.ResponseSizeTooLarge' } });
  });

  test('a handler that exits the runtime fails with Runtime.ExitError and the function recovers with a cold start', async () => {
    const crashed = await runner.invoke('Exiter', {});
    const again = await runner.invoke('Exiter', {});

    expect(crashed).toMatchObject({ functionError: 'Unhandled', payload: { errorType: 'Runtime.ExitError' } });
    expect((crashed.payload as { errorMessage: string }).errorMessage).toContain('exit status 3');
    expect(again.payload).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(runner.stats().Exiter).toMatchObject({ coldStarts: 2, invocations: 2 });
  });

  test('with room for two environments, concurrent invocations scale out to two, a third shares the less busy one, and idle ones are reused', async () => {
    const scaling = new LocalLambdaRunner([handlerSpec('Scaled', 'sleep')], { baseEnvironment: baseEnvironment(), log: () => undefined, maxEnvironmentsPerFunction: 2 });
    try {
      const concurrent = await Promise.all([300, 300, 300].map((ms) => scaling.invoke('Scaled', { ms })));
      const counts = concurrent.map((r) => (r.payload as { invocationsInThisEnvironment: number }).invocationsInThisEnvironment).sort();
      // Two fresh environments took the first two; the third joined one of them (each answer counts what its
      // environment had run when it returned: the two sharing one both see 2).
      expect(counts).toEqual([1, 2, 2]);
      expect(scaling.stats().Scaled).toMatchObject({ coldStarts: 2, invocations: 3, liveEnvironments: 2 });
      await scaling.invoke('Scaled', { ms: 1 });
      expect(scaling.stats().Scaled).toMatchObject({ coldStarts: 2, invocations: 4 });
    } finally {
      await scaling.close();
    }
  });

  test('close() terminates every execution environment and refuses later invokes', async () => {
    const closing = new LocalLambdaRunner([worker, handlerSpec('Sleepy', 'sleep')], { baseEnvironment: baseEnvironment(), log: () => undefined });
    await closing.invoke(worker.functionName, { op: 'double', value: 1 });
    await closing.invoke('Sleepy', { ms: 1 });
    const running = closing.invoke('Sleepy', { ms: 500 }).catch((error: unknown) => error);
    expect(Object.values(closing.stats()).map((s) => s.liveEnvironments)).toEqual([1, 1]);

    await closing.close();

    expect(Object.values(closing.stats()).map((s) => s.liveEnvironments)).toEqual([0, 0]);
    expect(await running).toMatchObject({ code: 'ServiceException' });
    await expect(closing.invoke('Sleepy', { ms: 1 })).rejects.toMatchObject({ code: 'ServiceException' });
  });
});
