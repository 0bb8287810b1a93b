/**
 * The local task dispatcher: one `taskResourceLocalHandlers` entry per Task
 * state (nested Map and Parallel states included — the library hands the same
 * handlers to its nested runs, and state names are unique machine-wide), which
 * runs the service the Task's `Resource` names against the local stand-ins.
 *
 * The library calls a handler with the task's effective input (InputPath and
 * Parameters applied). The handler fills in the attempt's `$$.Task.Token` and
 * `$$.State.*`, records the attempt's history, calls the service, and returns
 * the task's result or throws a TaskFailure named as Step Functions names it.
 * For a Task with TimeoutSecondsPath it also unwraps the effective input,
 * reads the attempt's timeout and times the task out itself.
 */
import * as DynamoDb from '@aws-sdk/client-dynamodb';
import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { AwsServiceError, type Clock, type LambdaInvokeResult, type LambdaInvoker, type SnsMessageAttribute, type SnsPublishInput, type SnsPublisher } from '../contracts';
import { MAX_TIMER_MS } from './clock';
import { containsPlaceholder, fillPlaceholders, type ContextPlaceholders } from './context-object';
import { CARRIED_INPUT_KEY, CARRIED_TIMEOUT_ROOT_KEY, scaledTimeoutSeconds, type NormalisedDefinition, type TaskStateInfo } from './definition';
import type { ExecutionHistory, TaskAttemptHistory, TaskAttemptStart } from './history';
import { isJsonObject, toJsonValue, type JsonObject, type JsonValue } from './json';
import type { LibraryTaskHandlers } from './library';
import { readReferencePath, type ReferencePath } from './reference-path';
import { StatesRuntimeFailure, TaskFailure, TaskTimeoutFailure, withExceptionSuffix } from './task-failure';
import { historyResourceName, parseTaskResource, type IntegrationPattern, type TaskResource } from './task-resource';
import type { IssuedToken, TaskTokenRegistry } from './task-tokens';

/** Child executions for `states:startExecution`, run by the same engine. */
export interface ChildExecutions {
  start(request: { stateMachineArn: string; name?: string; input: string }): Promise<{ executionArn: string; startDate: Date }>;
  /** Resolves with the execution's description once it has ended. */
  whenEnded(executionArn: string): Promise<DescribeExecutionOutput>;
  stop(executionArn: string, error: string, cause: string): void;
}

/** The engine-wide services tasks call. */
export interface TaskServices {
  readonly lambda: LambdaInvoker;
  readonly sns: SnsPublisher;
  readonly dynamoDb: DynamoDb.DynamoDBClient;
  readonly tokens: TaskTokenRegistry;
  readonly clock: Clock;
  readonly children: ChildExecutions;
  readonly region: string;
}

/** What the handlers of one execution share. */
export interface TaskExecutionScope {
  readonly executionArn: string;
  /** Aborted when the execution ends or is stopped: waits and callbacks stop then. */
  readonly signal: AbortSignal;
  readonly placeholders: ContextPlaceholders;
  readonly history: ExecutionHistory;
}

export function createTaskHandlers(
  normalised: NormalisedDefinition,
  services: TaskServices,
  scope: TaskExecutionScope,
): LibraryTaskHandlers {
  const handlers: LibraryTaskHandlers = {};
  for (const task of normalised.tasks.values()) {
    handlers[task.name] = (input) => runTask(task, input, services, scope);
  }
  for (const name of normalised.localWaits) {
    handlers[name] = (request) => runLocalWait(name, request, services.clock, scope.signal);
  }
  return handlers;
}

// ---------------------------------------------------------------- one task attempt

/** Synchronous up to `beginTaskAttempt`, so the attempt is known before the library's next event is read. */
async function runTask(task: TaskStateInfo, effectiveInput: JsonValue, services: TaskServices, scope: TaskExecutionScope): Promise<JsonValue> {
  const resource = parseTaskResource(task.resource);
  if (!resource || resource.kind === 'local-wait') {
    throw new StatesRuntimeFailure(
      `State '${task.name}': resource '${task.resource}' has no local integration ` +
        '(supported: Lambda function ARNs, lambda:invoke, dynamodb:getItem|putItem|updateItem|deleteItem, ' +
        'aws-sdk:dynamodb:<action>, sns:publish, states:startExecution[.sync|.sync:2], each also .waitForTaskToken)',
    );
  }
  const { placeholders } = scope;
  const { declaredInput, timeout } = attemptTimeout(task, effectiveInput, services.clock.scale);
  const callback = isCallback(resource) ? services.tokens.issue(scope.executionArn, timeout.ms) : undefined;
  if (!callback && containsPlaceholder(declaredInput, placeholders.taskToken)) {
    throw new StatesRuntimeFailure(`State '${task.name}' reads $$.Task.Token, but its resource '${task.resource}' is not a .waitForTaskToken integration`);
  }
  const input = fillPlaceholders(declaredInput, [
    [placeholders.taskToken, callback?.token ?? ''],
    [placeholders.stateName, task.name],
    [placeholders.stateEnteredTime, services.clock.now().toISOString()],
  ]);
  const attempt = scope.history.beginTaskAttempt(task.name, attemptStart(resource, input, timeout.declaredSeconds, services.region));
  try {
    const call = callService(resource, input, { task, services, scope, attempt, callback });
    const output = await (timeout.path ? withDeadline(call, { ...timeout, path: timeout.path }, scope.signal) : call);
    attempt.succeeded(output);
    return output;
  } catch (error) {
    if (callback) services.tokens.forget(callback.token); // a late SendTaskSuccess gets TaskDoesNotExist
    const failure = asTaskFailure(error, task);
    if (failure instanceof TaskTimeoutFailure) attempt.timedOut(failure.name, failure.message);
    else attempt.failed(failure.name, failure.message);
    throw failure;
  }
}

interface AttemptTimeout {
  /** TimeoutSeconds, AWS's default, or what TimeoutSecondsPath pointed to: what history shows. */
  readonly declaredSeconds: number;
  /** declaredSeconds × scale, capped to what a timer holds. */
  readonly ms: number;
  /** Set when the dispatcher times the attempt out itself; otherwise the library does. */
  readonly path?: ReferencePath;
}

/**
 * The attempt's timeout and the task's effective input as declared. A Task with
 * TimeoutSecondsPath gets both wrapped (see definition.ts); its path must point
 * to a positive integer number of seconds, or the task fails with States.Runtime
 * before anything is scheduled.
 */
function attemptTimeout(task: TaskStateInfo, effectiveInput: JsonValue, scale: number): { declaredInput: JsonValue; timeout: AttemptTimeout } {
  const path = task.timeoutSecondsPath;
  if (!path) return { declaredInput: effectiveInput, timeout: { declaredSeconds: task.declaredTimeoutSeconds, ms: task.timeoutMs } };
  const carried = isJsonObject(effectiveInput) ? effectiveInput : {};
  const seconds = readReferencePath(carried[CARRIED_TIMEOUT_ROOT_KEY] ?? null, path.steps);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    throw new StatesRuntimeFailure(
      `State '${task.name}': TimeoutSecondsPath '${path.text}' must point to a positive integer number of seconds, ` +
        `got ${seconds === undefined ? 'no value' : JSON.stringify(seconds)}`,
    );
  }
  const ms = Math.min(scaledTimeoutSeconds(seconds, scale) * 1000, MAX_TIMER_MS);
  return { declaredInput: carried[CARRIED_INPUT_KEY] ?? null, timeout: { declaredSeconds: seconds, ms, path } };
}

/**
 * Races a call against its TimeoutSecondsPath deadline. Set synchronously, the
 * timer starts before the library's backstop timer (the longest one), so it fires first.
 */
function withDeadline(call: Promise<JsonValue>, timeout: Required<AttemptTimeout>, signal: AbortSignal): Promise<JsonValue> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    const cause = `The task ran longer than the ${timeout.declaredSeconds} seconds its TimeoutSecondsPath '${timeout.path.text}' allows`;
    timer = setTimeout(() => reject(new TaskTimeoutFailure(cause)), timeout.ms);
  });
  // An ended execution needs no deadline any more; its pending call settles on its own (tokens are forgotten).
  const stop = () => clearTimeout(timer);
  signal.addEventListener('abort', stop, { once: true });
  return Promise.race([call, deadline]).finally(() => {
    stop();
    signal.removeEventListener('abort', stop);
  });
}

interface CallContext {
  readonly task: TaskStateInfo;
  readonly services: TaskServices;
  readonly scope: TaskExecutionScope;
  readonly attempt: TaskAttemptHistory;
  readonly callback: IssuedToken | undefined;
}

function isCallback(resource: TaskResource): boolean {
  return resource.kind === 'integration' && resource.pattern === 'waitForTaskToken';
}

function attemptStart(resource: TaskResource & { kind: 'lambda-function' | 'integration' }, input: JsonValue, timeoutInSeconds: number, region: string): TaskAttemptStart {
  if (resource.kind === 'lambda-function') return { kind: 'lambda-function', resource: resource.arn, input: JSON.stringify(input), timeoutInSeconds };
  return { kind: 'integration', ...historyResourceName(resource), region, parameters: JSON.stringify(input), timeoutInSeconds };
}

async function callService(resource: TaskResource & { kind: 'lambda-function' | 'integration' }, input: JsonValue, call: CallContext): Promise<JsonValue> {
  if (resource.kind === 'lambda-function') return invokeLambdaFunction(call.services.lambda, resource.arn, input);
  const { service, action, pattern } = resource;
  if ((pattern === 'sync' || pattern === 'sync:2') && !(service === 'states' && action === 'startExecution')) {
    throw unsupported(call.task, `the .${pattern} pattern is implemented for states:startExecution only`);
  }
  const parameters = isJsonObject(input) ? input : {};
  const response = await requestResponse(service, action, pattern, parameters, call);
  if (!call.callback) return response;
  // Callback pattern: the service call only hands the token out; the task's result is what SendTaskSuccess brings.
  call.attempt.submitted(response);
  return call.callback.outcome;
}

function requestResponse(service: string, action: string, pattern: IntegrationPattern, parameters: JsonObject, call: CallContext): Promise<JsonValue> {
  const { services } = call;
  switch (service) {
    case 'lambda':
      if (action === 'invoke') return invokeLambdaApi(services.lambda, parameters, call.task);
      break;
    case 'dynamodb':
      if (OPTIMIZED_DYNAMODB_ACTIONS.has(action)) return callDynamoDb(services.dynamoDb, action, parameters, 'optimized', call.task);
      break;
    case 'aws-sdk:dynamodb':
      return callDynamoDb(services.dynamoDb, action, parameters, 'sdk', call.task);
    case 'sns':
      if (action === 'publish') return publishToSns(services.sns, parameters, call.task);
      break;
    case 'states':
      if (action === 'startExecution') return startChildExecution(parameters, pattern, call);
      break;
  }
  throw unsupported(call.task, `${service}:${action} has no local integration`);
}

function unsupported(task: TaskStateInfo, why: string): StatesRuntimeFailure {
  return new StatesRuntimeFailure(`State '${task.name}': resource '${task.resource}' cannot run locally: ${why}`);
}

function asTaskFailure(error: unknown, task: TaskStateInfo): TaskFailure {
  if (error instanceof TaskFailure) return error;
  // Anything else is a fault of the local runtime, not of the workflow: fail loudly, never retry or catch it.
  const message = error instanceof Error ? error.message : String(error);
  return new StatesRuntimeFailure(`State '${task.name}': the local runtime failed: ${message}`);
}

/** The HTTP metadata Step Functions' optimized integrations add to a service's response. */
function sdkMetadata(): JsonObject {
  const requestId = randomUUID();
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: { 'x-amzn-RequestId': [requestId], 'Content-Type': ['application/x-amz-json-1.0'] },
      HttpHeaders: { 'x-amzn-RequestId': requestId, 'Content-Type': 'application/x-amz-json-1.0' },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function requireString(parameters: JsonObject, field: string, task: TaskStateInfo): string {
  const value = parameters[field];
  if (typeof value !== 'string' || value === '') throw unsupported(task, `Parameters.${field} must be a non-empty string`);
  return value;
}

// ---------------------------------------------------------------- Lambda

/** A plain function ARN as Resource: the task's result is the function's return value. */
async function invokeLambdaFunction(lambda: LambdaInvoker, functionArn: string, payload: JsonValue): Promise<JsonValue> {
  const result = await invokeOrFail(lambda, functionArn, payload);
  failOnFunctionError(result);
  return toJsonValue(result.payload);
}

/** `lambda:invoke`: the result is the Invoke API's response, the function's return value under `Payload`. */
async function invokeLambdaApi(lambda: LambdaInvoker, parameters: JsonObject, task: TaskStateInfo): Promise<JsonValue> {
  const functionName = requireString(parameters, 'FunctionName', task);
  const payload = parameters.Payload ?? {};
  if (parameters.InvocationType === 'Event') {
    // Asynchronous invocation: Lambda accepts the event (202) and the task does not wait for the function.
    void invokeOrFail(lambda, functionName, payload).catch(() => undefined);
    return { ...sdkMetadata(), Payload: '', StatusCode: 202 };
  }
  const result = await invokeOrFail(lambda, functionName, payload);
  failOnFunctionError(result);
  return { ExecutedVersion: result.executedVersion, Payload: toJsonValue(result.payload), ...sdkMetadata(), StatusCode: result.statusCode };
}

async function invokeOrFail(lambda: LambdaInvoker, functionName: string, payload: JsonValue): Promise<LambdaInvokeResult> {
  try {
    return await lambda.invoke(functionName, payload);
  } catch (error) {
    // Invoke API errors (no such function, throttling) carry the Lambda service's exception name.
    const code = error instanceof AwsServiceError ? withExceptionSuffix(error.code) : 'ServiceException';
    throw new TaskFailure(`Lambda.${code}`, error instanceof Error ? error.message : String(error));
  }
}

/** A function that threw fails the task with its errorType as error and its error payload, as JSON, as cause — as in AWS. */
function failOnFunctionError(result: LambdaInvokeResult): void {
  if (!result.functionError) return;
  const payload = result.payload;
  const errorType = isJsonObject(payload) && typeof payload.errorType === 'string' ? payload.errorType : 'Lambda.Unknown';
  throw new TaskFailure(errorType, JSON.stringify(payload ?? null));
}

// ---------------------------------------------------------------- DynamoDB

/** The actions of the optimized DynamoDB integration; everything else goes through `aws-sdk:dynamodb`. */
const OPTIMIZED_DYNAMODB_ACTIONS = new Set(['getItem', 'putItem', 'updateItem', 'deleteItem']);

type DynamoDbCommand = Parameters<DynamoDb.DynamoDBClient['send']>[0];
type DynamoDbCommandClass = new (input: JsonObject) => DynamoDbCommand;

/**
 * Calls DynamoDB (Local) with the Parameters as given — DynamoDB JSON, PascalCase
 * — and returns its response without the SDK's `$metadata`.
 */
async function callDynamoDb(
  client: DynamoDb.DynamoDBClient,
  action: string,
  parameters: JsonObject,
  style: 'optimized' | 'sdk',
  task: TaskStateInfo,
): Promise<JsonValue> {
  const commandName = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
  const exported: unknown = (DynamoDb as unknown as Record<string, unknown>)[commandName];
  if (typeof exported !== 'function') throw unsupported(task, `DynamoDB has no action '${action}'`);
  const Command = exported as DynamoDbCommandClass;
  let response: object;
  try {
    response = await client.send(new Command(parameters));
  } catch (error) {
    throw dynamoDbFailure(error, style);
  }
  const output: Record<string, unknown> = { ...response };
  delete output.$metadata;
  return style === 'optimized' ? { ...toJsonObject(output), ...sdkMetadata() } : toJsonValue(output);
}

/**
 * Names a DynamoDB error as Step Functions does. Optimized integration: the
 * Java SDK's exception class, `DynamoDB.ConditionalCheckFailedException`, with
 * errors that have no class of their own (e.g. ValidationException) as
 * `DynamoDB.AmazonDynamoDBException`. SDK integration: "ServiceName.ErrorName,
 * both PascalCase, always with the Exception suffix"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html),
 * the service name being `DynamoDb`: `DynamoDb.ConditionalCheckFailedException`.
 */
function dynamoDbFailure(error: unknown, style: 'optimized' | 'sdk'): TaskFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof DynamoDb.DynamoDBServiceException)) {
    return new TaskFailure(style === 'optimized' ? 'DynamoDB.AmazonDynamoDBException' : 'DynamoDb.DynamoDbException', message);
  }
  const code = error.name;
  const status = error.$metadata.httpStatusCode ?? 400;
  const requestId = error.$metadata.requestId ?? randomUUID();
  if (style === 'sdk') {
    return new TaskFailure(`DynamoDb.${withExceptionSuffix(code)}`, `${message} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`);
  }
  const modelled = Object.getPrototypeOf(error) !== DynamoDb.DynamoDBServiceException.prototype;
  return new TaskFailure(
    `DynamoDB.${modelled ? withExceptionSuffix(code) : 'AmazonDynamoDBException'}`,
    `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`,
  );
}

function toJsonObject(value: Record<string, unknown>): JsonObject {
  const json = toJsonValue(value);
  return isJsonObject(json) ? json : {};
}

// ---------------------------------------------------------------- SNS

const SNS_STRING_FIELDS = ['TopicArn', 'TargetArn', 'PhoneNumber', 'Subject', 'MessageStructure', 'MessageGroupId', 'MessageDeduplicationId'] as const;

async function publishToSns(sns: SnsPublisher, parameters: JsonObject, task: TaskStateInfo): Promise<JsonValue> {
  const message = parameters.Message;
  if (message === undefined || message === null) throw new TaskFailure('SNS.InvalidParameterException', 'Invalid parameter: Message is required');
  // A JSON Message in the definition is published as its JSON text, as Step Functions does.
  const input: { -readonly [K in keyof SnsPublishInput]: SnsPublishInput[K] } = {
    Message: typeof message === 'string' ? message : JSON.stringify(message),
  };
  for (const field of SNS_STRING_FIELDS) {
    const value = parameters[field];
    if (typeof value === 'string') input[field] = value;
  }
  if (parameters.MessageAttributes !== undefined) input.MessageAttributes = messageAttributes(parameters.MessageAttributes, task);
  try {
    const { MessageId } = await sns.publish(input);
    return { MessageId, ...sdkMetadata() };
  } catch (error) {
    // The optimized integration names SNS errors after the Java SDK's exception classes, e.g. SNS.NotFoundException.
    const code = error instanceof AwsServiceError ? withExceptionSuffix(error.code) : 'AmazonSNSException';
    throw new TaskFailure(`SNS.${code}`, error instanceof Error ? error.message : String(error));
  }
}

function messageAttributes(value: JsonValue, task: TaskStateInfo): Record<string, SnsMessageAttribute> {
  if (!isJsonObject(value)) throw unsupported(task, 'Parameters.MessageAttributes must be an object');
  const attributes: Record<string, SnsMessageAttribute> = {};
  for (const [name, attribute] of Object.entries(value)) {
    if (!isJsonObject(attribute) || typeof attribute.DataType !== 'string') {
      throw new TaskFailure('SNS.InvalidParameterException', `Invalid parameter: MessageAttributes.${name} needs a DataType`);
    }
    attributes[name] = {
      DataType: attribute.DataType,
      ...(typeof attribute.StringValue === 'string' && { StringValue: attribute.StringValue }),
      ...(typeof attribute.BinaryValue === 'string' && { BinaryValue: Buffer.from(attribute.BinaryValue, 'base64') }),
    };
  }
  return attributes;
}

// ---------------------------------------------------------------- child executions

async function startChildExecution(parameters: JsonObject, pattern: IntegrationPattern, call: CallContext): Promise<JsonValue> {
  const { children } = call.services;
  const stateMachineArn = requireString(parameters, 'StateMachineArn', call.task);
  const input = parameters.Input === undefined ? '{}' : typeof parameters.Input === 'string' ? parameters.Input : JSON.stringify(parameters.Input);
  let started: { executionArn: string; startDate: Date };
  try {
    started = await children.start({ stateMachineArn, input, ...(typeof parameters.Name === 'string' && { name: parameters.Name }) });
  } catch (error) {
    const code = error instanceof AwsServiceError ? withExceptionSuffix(error.code) : 'AWSStepFunctionsException';
    throw new TaskFailure(`StepFunctions.${code}`, error instanceof Error ? error.message : String(error));
  }
  const startResponse = { ExecutionArn: started.executionArn, StartDate: started.startDate.getTime() };
  if (pattern !== 'sync' && pattern !== 'sync:2') return startResponse;

  call.attempt.submitted(startResponse);
  // A stopped parent stops the child it is waiting for.
  const stopChild = () => children.stop(started.executionArn, 'States.Aborted', 'The parent execution was stopped');
  call.scope.signal.addEventListener('abort', stopChild, { once: true });
  try {
    const ended = await children.whenEnded(started.executionArn);
    const result = syncResult(ended, pattern);
    if (ended.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(result));
    return result;
  } finally {
    call.scope.signal.removeEventListener('abort', stopChild);
  }
}

/** DescribeExecution's answer as `.sync` returns it: Input/Output as JSON text, or as JSON with `.sync:2`; dates in epoch milliseconds. */
function syncResult(execution: DescribeExecutionOutput, pattern: 'sync' | 'sync:2'): JsonObject {
  const data = (text: string | undefined): JsonValue => (text === undefined ? null : pattern === 'sync:2' ? (JSON.parse(text) as JsonValue) : text);
  const result: JsonObject = {
    ExecutionArn: execution.executionArn ?? null,
    Input: data(execution.input),
    InputDetails: { Included: true },
    Name: execution.name ?? null,
    StartDate: execution.startDate?.getTime() ?? null,
    StateMachineArn: execution.stateMachineArn ?? null,
    Status: execution.status ?? null,
    StopDate: execution.stopDate?.getTime() ?? null,
  };
  if (execution.output !== undefined) Object.assign(result, { Output: data(execution.output), OutputDetails: { Included: true } });
  if (execution.error !== undefined) result.Error = execution.error;
  if (execution.cause !== undefined) result.Cause = execution.cause;
  return result;
}

// ---------------------------------------------------------------- Waits with a run-time duration

/** Leaves a margin under the wait task's own (capped) timeout. */
const MAX_LOCAL_WAIT_SCALED_MS = MAX_TIMER_MS - 1000;

/**
 * A Wait with SecondsPath / Timestamp / TimestampPath, run as a Task: works out
 * the declared duration, sleeps it on the clock (compressed), and passes the
 * state's input through unchanged.
 */
async function runLocalWait(stateName: string, request: JsonValue, clock: Clock, signal: AbortSignal): Promise<JsonValue> {
  if (!isJsonObject(request)) throw new StatesRuntimeFailure(`Wait state '${stateName}': malformed local wait request`);
  const declaredMs = declaredWaitMs(stateName, request, clock.now());
  await clock.sleep(Math.min(declaredMs, MAX_LOCAL_WAIT_SCALED_MS / clock.scale), signal);
  return request.input ?? null;
}

function declaredWaitMs(stateName: string, request: JsonObject, now: Date): number {
  if ('seconds' in request) {
    const seconds = request.seconds;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesRuntimeFailure(`Wait state '${stateName}': SecondsPath must point to a non-negative integer, got ${JSON.stringify(seconds)}`);
    }
    return seconds * 1000;
  }
  const timestamp = request.timestamp;
  const deadline = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(deadline)) {
    throw new StatesRuntimeFailure(`Wait state '${stateName}': the timestamp must be an ISO-8601 date, got ${JSON.stringify(timestamp)}`);
  }
  return Math.max(0, deadline - now.getTime());
}
