/**
 * Turns a resolved ASL definition into the one aws-local-stepfunctions runs.
 * Pure: the same definition and scale always give the same result.
 *
 * - Refuses what the library would silently ignore (JSONata, variables,
 *   heartbeats, Distributed Map, …), naming the state, so a workflow never runs
 *   differently from AWS without anyone noticing.
 * - Gives every Task a finite timeout: AWS's default is 99,999,999 s, the
 *   library's is 60 s, and a timer above 2^31−1 ms fires at once.
 * - Works around library gaps where a rewrite gives AWS's result (a Pass
 *   state with a falsy `Result`; `ResultPath: "$"`, which the library would
 *   store under a key named "$" instead of replacing the input).
 * - Compresses time by the clock's scale: Wait `Seconds`, the `TimeoutSeconds`
 *   of callback and `.sync` Tasks and of the execution, and retry
 *   `IntervalSeconds`/`MaxDelaySeconds` are scaled in place (the library
 *   accepts fractional seconds once validation is done), so the library's own
 *   backoff and jitter still apply per attempt. A request-response Task's
 *   `TimeoutSeconds` is not: the work it bounds runs in real time. Waits whose
 *   length is only known at run time (`SecondsPath`, `Timestamp`,
 *   `TimestampPath`) become Tasks on `LOCAL_WAIT_RESOURCE`, whose local handler
 *   computes the declared duration and sleeps on the clock.
 * - A Task's `TimeoutSecondsPath` is read per attempt by the dispatcher, not by
 *   the library (see `normaliseTaskWithTimeoutPath`).
 */
import type { AslDefinition } from '../contracts';
import { MAX_TIMER_MS } from './clock';
import { parseReferencePath, type ReferencePath } from './reference-path';

/** What Step Functions waits for a Task that declares no TimeoutSeconds (AWS docs: "99999999 seconds"). */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
/** The longest scaled duration a library timer can hold; longer ones are capped to it (about 24.8 days). */
export const MAX_SCALED_SECONDS = MAX_TIMER_MS / 1000;
/** A scaled timeout never reaches 0: the library reads 0 as "no timeout declared" and waits 60 s. */
const MIN_SCALED_TIMEOUT_SECONDS = 0.001;
/** The Resource of Tasks that stand in for Waits with a run-time duration; only the local dispatcher knows it. */
export const LOCAL_WAIT_RESOURCE = 'local:wait';
/** AWS's defaults for a retrier's fields, which the scaled copy must spell out. */
const DEFAULT_RETRY_INTERVAL_SECONDS = 1;
/** Where a Task with TimeoutSecondsPath carries its effective input past the library; only the dispatcher reads it. */
export const CARRIED_INPUT_KEY = '<<local-sfn:effective-input>>';
/** Where such a Task carries the root its TimeoutSecondsPath reads: the state's input (`$`) or the Context Object (`$$`). */
export const CARRIED_TIMEOUT_ROOT_KEY = '<<local-sfn:timeout-path-root>>';

type State = Record<string, unknown>;
type States = Record<string, State>;

export class UnsupportedDefinitionError extends Error {
  constructor(
    /** The state using the feature, or undefined for a top-level field. */
    readonly stateName: string | undefined,
    readonly feature: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnsupportedDefinitionError';
  }
}

export interface TaskStateInfo {
  readonly name: string;
  readonly resource: string;
  /** TimeoutSeconds as declared, or AWS's default when none is (unused when timeoutSecondsPath is set). */
  readonly declaredTimeoutSeconds: number;
  /** How long the library lets the task run: declared (× scale for callback and `.sync` tasks), capped to what a timer holds. */
  readonly timeoutMs: number;
  /**
   * TimeoutSecondsPath as declared: each attempt's timeout is read from the
   * state's input by the dispatcher, whose effective input arrives wrapped
   * under CARRIED_INPUT_KEY, next to the path's root under CARRIED_TIMEOUT_ROOT_KEY.
   */
  readonly timeoutSecondsPath?: ReferencePath;
}

export interface NormalisedDefinition {
  /** The definition to run (never shown to API callers: they see the declared one). */
  readonly definition: AslDefinition;
  /** Every Task state by name, nested Map and Parallel states included (names are unique machine-wide). */
  readonly tasks: ReadonlyMap<string, TaskStateInfo>;
  /** Wait states that run as Tasks on LOCAL_WAIT_RESOURCE; history still reports them as Waits. */
  readonly localWaits: ReadonlySet<string>;
  /** The declared Type of every state, by name. */
  readonly stateTypes: ReadonlyMap<string, string>;
}

export interface NormaliseOptions {
  /** The clock's time compression (1 = real time). */
  readonly scale: number;
}

export function normaliseDefinition(declared: AslDefinition, { scale }: NormaliseOptions): NormalisedDefinition {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`);
  if (declared.QueryLanguage === 'JSONata') {
    throw new UnsupportedDefinitionError(
      undefined,
      'QueryLanguage JSONata',
      'The state machine sets QueryLanguage "JSONata"; the local engine runs JSONPath definitions only',
    );
  }
  const collected: Collected = { tasks: new Map(), localWaits: new Set(), stateTypes: new Map() };
  const states = normaliseStates(declared.States, { scale, collected });
  const definition: AslDefinition = { ...declared, States: states };
  if (typeof declared.TimeoutSeconds === 'number') definition.TimeoutSeconds = scaledTimeoutSeconds(declared.TimeoutSeconds, scale);
  return { definition, ...collected };
}

interface Collected {
  tasks: Map<string, TaskStateInfo>;
  localWaits: Set<string>;
  stateTypes: Map<string, string>;
}

interface Scope {
  readonly scale: number;
  readonly collected: Collected;
}

function normaliseStates(states: States, scope: Scope): States {
  const result: States = {};
  for (const [name, state] of Object.entries(states)) {
    if (scope.collected.stateTypes.has(name)) {
      throw new UnsupportedDefinitionError(
        name,
        'duplicate state name',
        `State name '${name}' is used more than once; Step Functions requires state names to be unique across the ` +
          'whole state machine, nested Map and Parallel states included',
      );
    }
    scope.collected.stateTypes.set(name, String(state.Type));
    rejectUnsupported(name, state);
    result[name] = normaliseState(name, withoutWholeResultPath(state), scope);
  }
  return result;
}

/**
 * `ResultPath: "$"` (the result replaces the input) is also what an absent
 * ResultPath means, for a state and for a catcher; the library handles only
 * the absent one, so the explicit one is dropped.
 */
function withoutWholeResultPath(state: State): State {
  const result: State = { ...state };
  if (result.ResultPath === '$') delete result.ResultPath;
  if (Array.isArray(result.Catch)) {
    result.Catch = result.Catch.map((catcher: unknown) => {
      if (typeof catcher !== 'object' || catcher === null || (catcher as { ResultPath?: unknown }).ResultPath !== '$') return catcher;
      const rest: Record<string, unknown> = { ...(catcher as Record<string, unknown>) };
      delete rest.ResultPath;
      return rest;
    });
  }
  return result;
}

function normaliseState(name: string, state: State, scope: Scope): State {
  switch (state.Type) {
    case 'Task':
      return normaliseTask(name, state, scope);
    case 'Wait':
      return normaliseWait(name, state, scope);
    case 'Map':
      return withScaledRetry(normaliseMapProcessor(state, scope), scope.scale);
    case 'Parallel':
      return withScaledRetry(normaliseBranches(state, scope), scope.scale);
    case 'Pass':
      return normalisePass(state);
    default:
      return state;
  }
}

function normaliseTask(name: string, state: State, scope: Scope): State {
  if ('TimeoutSecondsPath' in state) return normaliseTaskWithTimeoutPath(name, state, scope);
  const declaredTimeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
  const timeoutSeconds = scaledTimeoutSeconds(declaredTimeoutSeconds, waitsOnTheClock(state) ? scope.scale : 1);
  scope.collected.tasks.set(name, {
    name,
    resource: String(state.Resource),
    declaredTimeoutSeconds,
    timeoutMs: timeoutSeconds * 1000,
  });
  return withScaledRetry({ ...state, TimeoutSeconds: timeoutSeconds }, scope.scale);
}

/**
 * Whether a Task's declared timeout bounds declared time: a callback
 * (`.waitForTaskToken`: a person's answer) or a `.sync` job. A request-response
 * task (a Lambda invocation, an SDK call) bounds work that runs in real time —
 * the function's own timeout is not compressed either — so its timeout is not.
 */
function waitsOnTheClock(state: State): boolean {
  return typeof state.Resource === 'string' && /\.(waitForTaskToken|sync(:\d+)?)$/.test(state.Resource);
}

/**
 * The library would read TimeoutSecondsPath from the effective input (after
 * Parameters), unscaled, and fail a missing value without naming the state.
 * So the library gets the longest timer instead, and Parameters carry the
 * declared effective input and the path's root to the dispatcher, which reads,
 * checks and scales the timeout per attempt and times the task out itself.
 */
function normaliseTaskWithTimeoutPath(name: string, state: State, scope: Scope): State {
  const declaredPath = state.TimeoutSecondsPath;
  const path = typeof declaredPath === 'string' ? parseReferencePath(declaredPath) : undefined;
  if (!path) {
    throw new UnsupportedDefinitionError(
      name,
      'TimeoutSecondsPath',
      `State '${name}' has TimeoutSecondsPath ${JSON.stringify(declaredPath)}, which is not a reference path ` +
        "($ or $$ followed by .field, ['field'] or [index] steps)",
    );
  }
  scope.collected.tasks.set(name, {
    name,
    resource: String(state.Resource),
    declaredTimeoutSeconds: AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
    timeoutMs: MAX_SCALED_SECONDS * 1000,
    timeoutSecondsPath: path,
  });
  const task: State = { ...state, Parameters: carriedParameters(state, path), TimeoutSeconds: MAX_SCALED_SECONDS };
  delete task.TimeoutSecondsPath;
  return withScaledRetry(task, scope.scale);
}

/** `{ effective input: the declared Parameters (or the whole input, "$"), timeout root: "$" or "$$" }`, resolved by the library. */
function carriedParameters(state: State, path: ReferencePath): State {
  const carriedInput = 'Parameters' in state ? { [CARRIED_INPUT_KEY]: state.Parameters } : { [`${CARRIED_INPUT_KEY}.$`]: '$' };
  return { ...carriedInput, [`${CARRIED_TIMEOUT_ROOT_KEY}.$`]: path.root };
}

function normaliseWait(name: string, state: State, scope: Scope): State {
  if (typeof state.Seconds === 'number') return { ...state, Seconds: scaledDelaySeconds(state.Seconds, scope.scale) };
  const parameters = waitParameters(state);
  if (!parameters) return state;
  scope.collected.localWaits.add(name);
  const task: State = {
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: { 'input.$': '$', ...parameters },
    // The local wait handler caps its own sleep; this only keeps the library's 60 s default away.
    TimeoutSeconds: MAX_SCALED_SECONDS,
  };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    if (field in state) task[field] = state[field];
  }
  return task;
}

/** The local wait handler receives `{ input, seconds }` or `{ input, timestamp }`: the state's input and its declared duration or deadline. */
function waitParameters(state: State): Record<string, unknown> | undefined {
  if (typeof state.SecondsPath === 'string') return { 'seconds.$': state.SecondsPath };
  if (typeof state.Timestamp === 'string') return { timestamp: state.Timestamp };
  if (typeof state.TimestampPath === 'string') return { 'timestamp.$': state.TimestampPath };
  return undefined;
}

/**
 * The library returns a Pass state's input when its Result is falsy (false, 0,
 * "", null). A literal Parameters template gives the same effective input, and
 * the library keeps non-object templates as they are.
 */
function normalisePass(state: State): State {
  if (!('Result' in state) || state.Result || 'Parameters' in state) return state;
  const { Result: result, ...rest } = state;
  return { ...rest, Parameters: result };
}

function normaliseMapProcessor(state: State, scope: Scope): State {
  const result: State = { ...state };
  for (const field of ['ItemProcessor', 'Iterator']) {
    const processor = state[field];
    if (isSubDefinition(processor)) result[field] = { ...processor, States: normaliseStates(processor.States, scope) };
  }
  return result;
}

function normaliseBranches(state: State, scope: Scope): State {
  if (!Array.isArray(state.Branches)) return state;
  const branches: unknown[] = state.Branches;
  return {
    ...state,
    Branches: branches.map((branch) => (isSubDefinition(branch) ? { ...branch, States: normaliseStates(branch.States, scope) } : branch)),
  };
}

function withScaledRetry(state: State, scale: number): State {
  if (!Array.isArray(state.Retry)) return state;
  const retriers: unknown[] = state.Retry;
  return { ...state, Retry: retriers.map((retrier) => (isRecord(retrier) ? scaleRetrier(retrier, scale) : retrier)) };
}

/**
 * Scales a retrier's interval and delay cap; BackoffRate, MaxAttempts and
 * JitterStrategy stay as declared, so the library still grows the interval per
 * attempt and jitters it. A retrier without MaxDelaySeconds gets the timer cap,
 * so a long backoff never overflows a timer.
 */
function scaleRetrier(retrier: State, scale: number): State {
  const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : DEFAULT_RETRY_INTERVAL_SECONDS;
  const maxDelay = typeof retrier.MaxDelaySeconds === 'number' ? scaledDelaySeconds(retrier.MaxDelaySeconds, scale) : MAX_SCALED_SECONDS;
  return { ...retrier, IntervalSeconds: scaledDelaySeconds(interval, scale), MaxDelaySeconds: maxDelay };
}

export function scaledTimeoutSeconds(declaredSeconds: number, scale: number): number {
  return Math.min(Math.max(declaredSeconds * scale, MIN_SCALED_TIMEOUT_SECONDS), MAX_SCALED_SECONDS);
}

export function scaledDelaySeconds(declaredSeconds: number, scale: number): number {
  return Math.min(Math.max(declaredSeconds * scale, 0), MAX_SCALED_SECONDS);
}

// ---------------------------------------------------------------- refusals

/** State fields of the JSONata / variables dialect, which the library ignores. */
const JSONATA_STATE_FIELDS = ['Assign', 'Arguments', 'Output'] as const;
/** Fields the library does not implement, per state type. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Task: ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  Map: [
    'ItemReader',
    'ResultWriter',
    'ItemBatcher',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'Items',
  ],
};

function rejectUnsupported(name: string, state: State): void {
  const refuse = (feature: string, why: string): never => {
    throw new UnsupportedDefinitionError(name, feature, `State '${name}' uses ${feature}, ${why}`);
  };
  if (state.QueryLanguage === 'JSONata') refuse('QueryLanguage JSONata', 'but the local engine runs JSONPath states only');
  for (const field of JSONATA_STATE_FIELDS) {
    if (field in state) refuse(field, 'a JSONata/variables field the local engine would silently ignore');
  }
  for (const field of UNSUPPORTED_FIELDS[String(state.Type)] ?? []) {
    if (field in state) refuse(field, 'which the local engine does not implement');
  }
  const processorConfig = state.ProcessorConfig ?? (isRecord(state.ItemProcessor) ? state.ItemProcessor.ProcessorConfig : undefined);
  if (isRecord(processorConfig) && processorConfig.Mode === 'DISTRIBUTED') {
    refuse('a Distributed Map (ProcessorConfig.Mode DISTRIBUTED)', 'which the local engine does not implement');
  }
  for (const catcher of recordsIn(state.Catch)) {
    for (const field of ['Assign', 'Output']) if (field in catcher) refuse(`${field} in a Catch`, 'a JSONata/variables field the local engine would silently ignore');
  }
  if (state.Type === 'Task' && 'TimeoutSecondsPath' in state) rejectTaskFailedMatcher(state, refuse);
  for (const rule of recordsIn(state.Choices)) {
    for (const field of ['Assign', 'Output', 'Condition']) {
      if (field in rule) refuse(`${field} in a Choice rule`, 'a JSONata/variables field the local engine would silently ignore');
    }
  }
  rejectUnsupportedContextReferences(name, state, refuse);
}

/**
 * In AWS, States.TaskFailed in a Retry or Catch matches every task error but
 * States.Timeout. The library exempts only its own (unexported) timeout error,
 * and a TimeoutSecondsPath timeout is raised by the dispatcher, so the library
 * would let States.TaskFailed retry or catch it: refused rather than run differently.
 */
function rejectTaskFailedMatcher(state: State, refuse: (feature: string, why: string) => never): void {
  const matchers = [...recordsIn(state.Retry), ...recordsIn(state.Catch)];
  if (!matchers.some((matcher) => Array.isArray(matcher.ErrorEquals) && matcher.ErrorEquals.includes('States.TaskFailed'))) return;
  refuse(
    'States.TaskFailed in a Retry or Catch together with TimeoutSecondsPath',
    'which the local engine cannot run as AWS does: in AWS States.TaskFailed does not match States.Timeout, but the local ' +
      'engine times a TimeoutSecondsPath task out itself and the interpreter would let States.TaskFailed match that timeout. ' +
      'List the task errors to retry or catch by name (States.Timeout and States.ALL match the timeout as in AWS)',
  );
}

/**
 * The library's Context Object is fixed for a whole run, so `$$.Task.*` and
 * `$$.State.*` are filled in per task attempt by the dispatcher: that works in
 * a Task's Parameters only (the dispatcher sees them applied), and for
 * `$$.Task.Token`, `$$.State.Name` and `$$.State.EnteredTime` only.
 */
function rejectUnsupportedContextReferences(name: string, state: State, refuse: (feature: string, why: string) => never): void {
  for (const [field, value] of Object.entries(state)) {
    if (field === 'ItemProcessor' || field === 'Iterator' || field === 'Branches') continue; // their states are checked on their own
    const inTaskParameters = state.Type === 'Task' && field === 'Parameters';
    for (const text of stringsIn(value)) {
      if (inTaskParameters && text.includes('$$.State.RetryCount')) {
        refuse('$$.State.RetryCount', 'which the local engine cannot supply per attempt');
      }
      if (!inTaskParameters && /\$\$\.(Task|State)\b/.test(text)) {
        refuse(`'${text}' in ${field}`, "but the local engine supplies $$.Task and $$.State in a Task's Parameters only");
      }
    }
  }
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isRecord(value)) return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
  return [];
}

function recordsIn(value: unknown): State[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is State {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSubDefinition(value: unknown): value is State & { States: States } {
  return isRecord(value) && isRecord(value.States);
}
