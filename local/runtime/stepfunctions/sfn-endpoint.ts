/**
 * The Step Functions API over HTTP, AWS JSON 1.0 protocol: `POST /` with
 * `x-amz-target: AWSStepFunctions.<Operation>` and a JSON body of the
 * operation's camelCase input. Answers are JSON with timestamps as epoch
 * seconds (the SDK's default for this protocol); errors are HTTP 400 with
 * `{"__type": "<ErrorCode>", "message": …}` and the same code in
 * `x-amzn-errortype` (the SDK reads `__type` first, then the header).
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { AwsServiceError, type HttpEndpoint, type HttpResponse } from '../contracts';
import { jsonError } from '../http/server';
import type { LocalStepFunctions } from './engine';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

type Operation = (engine: LocalStepFunctions, fields: RequestFields) => object | Promise<object>;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  ListStateMachines: (engine, fields) => engine.listStateMachines(fields.optionalInteger('maxResults'), fields.optionalString('nextToken')),
  DescribeStateMachine: (engine, fields) => engine.describeStateMachine(fields.string('stateMachineArn')),
  StartExecution: (engine, fields) =>
    engine.startExecution(fields.string('stateMachineArn'), fields.optionalString('name'), fields.optionalString('input')),
  DescribeExecution: (engine, fields) => engine.describeExecution(fields.string('executionArn')),
  ListExecutions: (engine, fields) =>
    engine.listExecutions(
      fields.string('stateMachineArn'),
      fields.optionalString('statusFilter') as ExecutionStatus | undefined, // the engine checks the value
      fields.optionalInteger('maxResults'),
      fields.optionalString('nextToken'),
    ),
  GetExecutionHistory: (engine, fields) =>
    engine.getExecutionHistory(fields.string('executionArn'), {
      reverseOrder: fields.optionalBoolean('reverseOrder'),
      maxResults: fields.optionalInteger('maxResults'),
      nextToken: fields.optionalString('nextToken'),
    }),
  StopExecution: (engine, fields) => engine.stopExecution(fields.string('executionArn'), fields.optionalString('error'), fields.optionalString('cause')),
  SendTaskSuccess: (engine, fields) => engine.sendTaskSuccess(fields.string('taskToken'), fields.string('output')),
  SendTaskFailure: (engine, fields) => engine.sendTaskFailure(fields.string('taskToken'), fields.optionalString('error'), fields.optionalString('cause')),
  SendTaskHeartbeat: (engine, fields) => engine.sendTaskHeartbeat(fields.string('taskToken')),
};

export function createStepFunctionsEndpoint(engine: LocalStepFunctions): HttpEndpoint {
  return async (request) => {
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || !target?.startsWith(TARGET_PREFIX)) return undefined;
    const operationName = target.slice(TARGET_PREFIX.length);
    const operation = OPERATIONS[operationName];
    if (!operation) return jsonError(400, 'UnknownOperationException', `Step Functions has no operation '${operationName}' (locally)`);
    const body = parseBody(request.body);
    if (!body) return jsonError(400, 'SerializationException', 'The request body is not a JSON object');
    try {
      return ok(await operation(engine, new RequestFields(body)));
    } catch (error) {
      if (error instanceof AwsServiceError) return jsonError(error.statusCode, error.code, error.message);
      throw error; // the server answers 500 InternalFailure and keeps serving
    }
  };
}

function parseBody(body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function ok(output: object): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(toWire(output)),
  };
}

/** Dates become epoch seconds, as the SDK's JSON 1.0 deserializer expects. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined).map(([key, inner]) => [key, toWire(inner)]));
  }
  return value;
}

/** Reads an operation's input fields, refusing missing or mistyped ones as the service does. */
class RequestFields {
  constructor(private readonly body: Record<string, unknown>) {}

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) throw invalid(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalid(`Value at '${name}' failed to satisfy constraint: Member must be a string`);
    return value;
  }

  optionalInteger(name: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`Value at '${name}' failed to satisfy constraint: Member must be an integer`);
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw invalid(`Value at '${name}' failed to satisfy constraint: Member must be a boolean`);
    return value;
  }
}

function invalid(detail: string): AwsServiceError {
  return new AwsServiceError('ValidationException', `1 validation error detected: ${detail}`);
}
