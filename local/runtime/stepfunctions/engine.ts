/**
 * The local Step Functions service: runs the template's state machines with
 * aws-local-stepfunctions (the interpreter) and answers the Step Functions API
 * (executions, history, task callbacks) with Standard-workflow semantics.
 *
 * Executions live in memory for the life of the process. EXPRESS machines run
 * the same way, without the exactly-once name rule (AWS does not apply it to
 * them either), and stay describable locally.
 */
import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  StartExecutionOutput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../dynamodb-local';
import { AwsServiceError, LOCAL_AWS, type Clock, type LambdaInvoker, type LocalStateMachineSpec, type SnsPublisher } from '../contracts';
import { buildContextObject, createContextPlaceholders } from './context-object';
import { normaliseDefinition, UnsupportedDefinitionError, type NormalisedDefinition } from './definition';
import { ExecutionHistory } from './history';
import { createTaskHandlers, type ChildExecutions, type TaskServices } from './integrations';
import { tryParseJson, type JsonValue } from './json';
import { createRunnableMachine, ExecutionError, ExecutionTimeoutError, validateWithLibrary, type StateMachine } from './library';
import { pageOf } from './paging';
import { TaskFailure } from './task-failure';
import { TaskTokenRegistry } from './task-tokens';

export interface LocalStepFunctionsOptions {
  readonly stateMachines: readonly LocalStateMachineSpec[];
  readonly lambda: LambdaInvoker;
  readonly sns: SnsPublisher;
  /** DynamoDB Local, for the dynamodb and aws-sdk:dynamodb integrations. */
  readonly dynamoDbEndpoint: string;
  readonly clock: Clock;
}

/** What `onEvent` listeners hear: every history event as it is recorded, and every status change. */
export type StepFunctionsEvent =
  | { readonly kind: 'history'; readonly executionArn: string; readonly stateMachineArn: string; readonly event: HistoryEvent }
  | { readonly kind: 'status'; readonly executionArn: string; readonly stateMachineArn: string; readonly status: ExecutionStatus };

export type StepFunctionsListener = (event: StepFunctionsEvent) => void;

/** Step Functions' limit on execution input, task output and callback output: 256 KiB of UTF-8. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
/** AWS's rule for execution names: 1–80 characters, none of these, and no control characters. */
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:\s]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:\s]+:[^:\s]+(:[^:\s]+)?$/;
const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

interface LoadedMachine {
  readonly spec: LocalStateMachineSpec;
  readonly normalised: NormalisedDefinition;
  readonly runnable: StateMachine;
  readonly creationDate: Date;
}

interface Execution {
  readonly executionArn: string;
  readonly machine: LoadedMachine;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  /** Start order, for newest-first listings of executions started in the same millisecond. */
  readonly sequence: number;
  readonly history: ExecutionHistory;
  /** Aborted when the execution ends: waits, callbacks and child waits stop. */
  readonly lifetime: AbortController;
  readonly ended: Promise<void>;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** The library has settled the run; only its event log is still being read. */
  settling: boolean;
  abortRun?: () => void;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, LoadedMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly listeners = new Set<StepFunctionsListener>();
  private readonly tokens = new TaskTokenRegistry();
  private readonly dynamoDb: DynamoDBClient;
  private readonly services: TaskServices;
  private readonly clock: Clock;
  private nextSequence = 0;

  /** Loads every state machine; throws, naming the machine and the state, if one uses what the local engine cannot run. */
  constructor(options: LocalStepFunctionsOptions) {
    this.clock = options.clock;
    const creationDate = options.clock.now();
    for (const spec of options.stateMachines) this.machines.set(spec.arn, loadMachine(spec, options.clock.scale, creationDate));
    this.dynamoDb = createDynamoDbClient(options.dynamoDbEndpoint);
    this.services = {
      lambda: options.lambda,
      sns: options.sns,
      dynamoDb: this.dynamoDb,
      tokens: this.tokens,
      clock: options.clock,
      children: this.childExecutions(),
      region: LOCAL_AWS.region,
    };
  }

  // ---------------------------------------------------------------- state machines

  listStateMachines(maxResults?: number, nextToken?: string): ListStateMachinesOutput {
    const all = [...this.machines.values()].map(({ spec, creationDate }) => ({
      stateMachineArn: spec.arn,
      name: spec.name,
      type: spec.type,
      creationDate,
    }));
    const page = pageOf(all, 'ListStateMachines', { maxResults, nextToken });
    return { stateMachines: page.items, ...(page.nextToken && { nextToken: page.nextToken }) };
  }

  describeStateMachine(stateMachineArn: string): DescribeStateMachineOutput {
    const { spec, creationDate } = this.machine(stateMachineArn);
    return {
      stateMachineArn: spec.arn,
      name: spec.name,
      status: 'ACTIVE',
      definition: JSON.stringify(spec.definition),
      roleArn: spec.roleArn,
      type: spec.type,
      creationDate,
    };
  }

  // ---------------------------------------------------------------- executions

  /**
   * Starts an execution. Standard machines run a name once: the same name with
   * the same input while the first is still running returns that execution;
   * a different input, or a name whose execution has ended, is refused with
   * ExecutionAlreadyExists (AWS's rule).
   */
  startExecution(stateMachineArn: string, name?: string, input?: string): StartExecutionOutput {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    assertValidName(executionName);
    const inputText = input ?? '{}';
    const inputValue = parseExecutionInput(inputText);
    const executionArn =
      machine.spec.type === 'EXPRESS'
        ? `${expressPrefix(machine.spec.arn)}:${executionName}:${randomUUID()}`
        : `${machine.spec.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = this.run(machine, executionArn, executionName, inputText, inputValue);
    return { executionArn, startDate: execution.startDate };
  }

  describeExecution(executionArn: string): DescribeExecutionOutput {
    return describe(this.execution(executionArn));
  }

  /** Resolves with the execution's description once it has ended. */
  async whenEnded(executionArn: string): Promise<DescribeExecutionOutput> {
    const execution = this.execution(executionArn);
    await execution.ended;
    return describe(execution);
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus, maxResults?: number, nextToken?: string): ListExecutionsOutput {
    this.machine(stateMachineArn);
    if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter)) {
      throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`);
    }
    const matching = [...this.executions.values()]
      .filter((execution) => execution.machine.spec.arn === stateMachineArn && (statusFilter === undefined || execution.status === statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || b.sequence - a.sequence)
      .map(listItem);
    const page = pageOf(matching, `ListExecutions:${stateMachineArn}:${statusFilter ?? ''}`, { maxResults, nextToken });
    return { executions: page.items, ...(page.nextToken && { nextToken: page.nextToken }) };
  }

  getExecutionHistory(
    executionArn: string,
    options: { reverseOrder?: boolean; maxResults?: number; nextToken?: string } = {},
  ): GetExecutionHistoryOutput {
    const execution = this.execution(executionArn);
    const events = options.reverseOrder ? [...execution.history.events].reverse() : [...execution.history.events];
    const page = pageOf(events, `GetExecutionHistory:${executionArn}:${options.reverseOrder === true}`, options);
    return { events: page.items, ...(page.nextToken && { nextToken: page.nextToken }) };
  }

  /** Stops a running execution (ABORTED); its pending task tokens stop being valid. Stopping an ended execution changes nothing. */
  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<StopExecutionOutput> {
    const execution = this.execution(executionArn);
    if (execution.status === 'RUNNING' && execution.settling) await execution.ended; // it ended on its own a moment ago
    if (execution.status !== 'RUNNING') return { stopDate: execution.stopDate ?? this.clock.now() };
    execution.history.setAbortDetails(error, cause);
    this.endExecution(execution, { status: 'ABORTED', ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) });
    execution.abortRun?.();
    return { stopDate: execution.stopDate ?? this.clock.now() };
  }

  // ---------------------------------------------------------------- task callbacks

  sendTaskSuccess(taskToken: string, output: string): Record<string, never> {
    if (Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) throw new AwsServiceError('InvalidOutput', `The output exceeds ${MAX_PAYLOAD_BYTES} bytes`);
    this.tokens.succeed(taskToken, output);
    return {};
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): Record<string, never> {
    this.tokens.fail(taskToken, error, cause);
    return {};
  }

  sendTaskHeartbeat(taskToken: string): Record<string, never> {
    this.tokens.heartbeat(taskToken);
    return {};
  }

  // ---------------------------------------------------------------- listening and shutdown

  /** Calls the listener with every history event and status change until the returned function is called. */
  onEvent(listener: StepFunctionsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every running execution and releases the DynamoDB client. */
  async close(): Promise<void> {
    const running = [...this.executions.values()].filter((execution) => execution.status === 'RUNNING');
    await Promise.all(running.map((execution) => this.stopExecution(execution.executionArn, 'States.Aborted', 'The local runtime shut down')));
    await Promise.all(running.map((execution) => execution.ended));
    this.dynamoDb.destroy();
  }

  // ---------------------------------------------------------------- running

  private run(machine: LoadedMachine, executionArn: string, name: string, input: string, inputValue: JsonValue): Execution {
    const startDate = this.clock.now();
    const stateMachineArn = machine.spec.arn;
    const history = new ExecutionHistory({
      stateTypes: machine.normalised.stateTypes,
      ...(machine.spec.roleArn !== undefined && { roleArn: machine.spec.roleArn }),
      now: () => this.clock.now(),
      onEvent: (event) => this.emit({ kind: 'history', executionArn, stateMachineArn, event }),
    });
    let markEnded!: () => void;
    const execution: Execution = {
      executionArn,
      machine,
      name,
      input,
      startDate,
      sequence: this.nextSequence++,
      history,
      lifetime: new AbortController(),
      ended: new Promise<void>((resolve) => (markEnded = resolve)),
      status: 'RUNNING',
      settling: false,
    };
    this.executions.set(executionArn, execution);
    this.emit({ kind: 'status', executionArn, stateMachineArn, status: 'RUNNING' });
    void this.drive(execution, inputValue).finally(markEnded);
    return execution;
  }

  /** Runs the library to the end, records its events, then settles the execution's status. */
  private async drive(execution: Execution, input: JsonValue): Promise<void> {
    const { machine, history } = execution;
    const placeholders = createContextPlaceholders();
    const scope = { executionArn: execution.executionArn, signal: execution.lifetime.signal, placeholders, history };
    let outcome: { ok: true; output: JsonValue } | { ok: false; error: unknown };
    try {
      const run = machine.runnable.run(input, {
        overrides: { taskResourceLocalHandlers: createTaskHandlers(machine.normalised, this.services, scope) },
        context: buildContextObject(
          {
            executionArn: execution.executionArn,
            name: execution.name,
            startTime: execution.startDate,
            ...(machine.spec.roleArn !== undefined && { roleArn: machine.spec.roleArn }),
            stateMachineArn: machine.spec.arn,
            stateMachineName: machine.spec.name,
          },
          placeholders,
        ),
        noThrowOnAbort: true,
      });
      execution.abortRun = run.abort;
      const recorded = (async () => {
        for await (const event of run.eventLogs) history.consume(event);
      })();
      outcome = await run.result.then(
        (output) => ({ ok: true as const, output }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      execution.settling = true;
      await recorded;
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (execution.status !== 'RUNNING') return; // stopped meanwhile
    if (outcome.ok) {
      this.endExecution(execution, { status: 'SUCCEEDED', output: JSON.stringify(outcome.output) });
      return;
    }
    if (outcome.error instanceof ExecutionTimeoutError) {
      this.endExecution(execution, { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' });
      return;
    }
    const { error, cause } = failureOf(outcome.error);
    history.recordExecutionFailed(error, cause); // ignored when the library already logged the failure
    this.endExecution(execution, { status: 'FAILED', error, cause });
  }

  private endExecution(execution: Execution, end: { status: ExecutionStatus; output?: string; error?: string; cause?: string }): void {
    Object.assign(execution, end, { stopDate: this.clock.now() });
    execution.history.closeTaskAttempts();
    execution.lifetime.abort();
    this.tokens.forgetExecution(execution.executionArn, new TaskFailure('States.Runtime', `The execution ended (${end.status})`));
    this.emit({ kind: 'status', executionArn: execution.executionArn, stateMachineArn: execution.machine.spec.arn, status: end.status });
  }

  private childExecutions(): ChildExecutions {
    return {
      start: ({ stateMachineArn, name, input }) => {
        try {
          const started = this.startExecution(stateMachineArn, name, input);
          return Promise.resolve({ executionArn: started.executionArn ?? '', startDate: started.startDate ?? this.clock.now() });
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      whenEnded: (executionArn) => this.whenEnded(executionArn),
      stop: (executionArn, error, cause) => void this.stopExecution(executionArn, error, cause).catch(() => undefined),
    };
  }

  private emit(event: StepFunctionsEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener (e.g. a closed console socket) must not disturb the execution.
      }
    }
  }

  private machine(stateMachineArn: string): LoadedMachine {
    const machine = this.machines.get(stateMachineArn);
    if (machine) return machine;
    if (!STATE_MACHINE_ARN.test(stateMachineArn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
  }

  private execution(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (execution) return execution;
    if (!EXECUTION_ARN.test(executionArn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  }
}

function loadMachine(spec: LocalStateMachineSpec, scale: number, creationDate: Date): LoadedMachine {
  let normalised: NormalisedDefinition;
  try {
    normalised = normaliseDefinition(spec.definition, { scale });
  } catch (error) {
    if (error instanceof UnsupportedDefinitionError) {
      throw new UnsupportedDefinitionError(error.stateName, error.feature, `State machine '${spec.name}': ${error.message}`);
    }
    throw error;
  }
  const invalid = validateWithLibrary(spec.definition);
  if (invalid) throw new Error(`State machine '${spec.name}': ${invalid}`);
  return { spec, normalised, runnable: createRunnableMachine(normalised.definition), creationDate };
}

function assertValidName(name: string): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name) || hasControlCharacter(name)) {
    throw new AwsServiceError(
      'InvalidName',
      `Invalid Name: '${name}' (1–80 characters; no whitespace, brackets, wildcards, special characters " # % \\ ^ | ~ \` $ & , ; : / or control characters)`,
    );
  }
}

/** U+0000–001F and U+007F–009F. */
function hasControlCharacter(text: string): boolean {
  return [...text].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
}

function parseExecutionInput(input: string): JsonValue {
  if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
    throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: the input exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const parsed = tryParseJson(input);
  if (!parsed) throw new AwsServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not JSON');
  return parsed.value;
}

/** Express executions are named `arn:…:express:<machine>:<name>:<id>`. */
function expressPrefix(stateMachineArn: string): string {
  return stateMachineArn.replace(':stateMachine:', ':express:');
}

/** Error and cause of a failed run: the library wraps the state's error (name = error, message = cause). */
function failureOf(error: unknown): { error: string; cause: string } {
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (failure instanceof Error) return { error: failure.name, cause: failure.message };
  return { error: 'States.Runtime', cause: String(failure) };
}

function describe(execution: Execution): DescribeExecutionOutput {
  return {
    ...listItem(execution),
    input: execution.input,
    inputDetails: { included: true },
    redriveCount: 0,
    ...(execution.output !== undefined && { output: execution.output, outputDetails: { included: true } }),
    ...(execution.error !== undefined && execution.error !== '' && { error: execution.error }),
    ...(execution.cause !== undefined && execution.cause !== '' && { cause: execution.cause }),
  };
}

function listItem(execution: Execution): ExecutionListItem {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.machine.spec.arn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(execution.stopDate && { stopDate: execution.stopDate }),
  };
}
