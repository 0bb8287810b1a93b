/**
 * An execution's history in AWS's HistoryEvent shape, merged from two sources:
 * the library's event log (states entered, exited, failed, retried; Map
 * iterations; the execution's start and end) and the local task dispatcher
 * (what a Task scheduled, submitted, and got back, which the library does not
 * see).
 *
 * The library runs a Task's handler synchronously right after queueing its
 * StateEntered event, but its event log is read asynchronously, so the
 * dispatcher's events would land before the state's "entered" event. Each task
 * attempt therefore buffers its events until the library's StateEntered (or
 * StateRetried) for that state has been recorded, and ends when the library's
 * StateExited / StateFailed arrives. Attempts of one state are matched first in,
 * first out — exact for sequential flows; within concurrent Map iterations of
 * the same state, an attempt's events may be attributed to a sibling iteration.
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { JsonValue } from './json';
import type { LibraryEvent } from './library';

export interface ExecutionHistoryOptions {
  /** Declared state types by name (a Wait that runs as a local Task is still a Wait). */
  readonly stateTypes: ReadonlyMap<string, string>;
  readonly roleArn?: string;
  readonly now: () => Date;
  /** Called with every event as it is recorded. */
  readonly onEvent: (event: HistoryEvent) => void;
}

/** What the dispatcher knows when a task attempt starts. */
export type TaskAttemptStart =
  | { readonly kind: 'lambda-function'; readonly resource: string; readonly input: string; readonly timeoutInSeconds: number }
  | {
      readonly kind: 'integration';
      readonly resourceType: string;
      readonly resource: string;
      readonly region: string;
      readonly parameters: string;
      readonly timeoutInSeconds: number;
    };

/** The dispatcher's handle on one task attempt's history. */
export interface TaskAttemptHistory {
  submitted(output: JsonValue): void;
  succeeded(output: JsonValue): void;
  failed(error: string, cause: string): void;
  /** The dispatcher timed the attempt out (TimeoutSecondsPath); the library's own timeouts arrive as its StateFailed. */
  timedOut(error: string, cause: string): void;
}

type Draft = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'> & { timestamp?: Date };

interface Attempt {
  readonly stateName: string;
  readonly start: TaskAttemptStart;
  readonly buffered: Draft[];
  /** The library has reported the state entered (or retried) for this attempt. */
  active: boolean;
  /** The dispatcher recorded how the attempt ended. */
  ended: boolean;
}

const ENTERED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateEntered',
  Pass: 'PassStateEntered',
  Wait: 'WaitStateEntered',
  Choice: 'ChoiceStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
  Map: 'MapStateEntered',
  Parallel: 'ParallelStateEntered',
};

const EXITED: Readonly<Record<string, HistoryEventType>> = {
  Task: 'TaskStateExited',
  Pass: 'PassStateExited',
  Wait: 'WaitStateExited',
  Choice: 'ChoiceStateExited',
  Succeed: 'SucceedStateExited',
  Map: 'MapStateExited',
  Parallel: 'ParallelStateExited',
};

const TERMINAL_EVENTS: ReadonlySet<HistoryEventType> = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

export class ExecutionHistory {
  private readonly recorded: HistoryEvent[] = [];
  private readonly openAttempts: Attempt[] = [];
  private abortDetails: { error?: string; cause?: string } = {};
  /** Set once the execution's last event is recorded; anything later is dropped. */
  private closed = false;
  /** Set when the engine ends the execution; tasks still running then (a stopped execution's callbacks) record nothing more. */
  private tasksClosed = false;

  constructor(private readonly options: ExecutionHistoryOptions) {}

  get events(): readonly HistoryEvent[] {
    return this.recorded;
  }

  /** Error and cause that StopExecution gave, for the ExecutionAborted event the library is about to log. */
  setAbortDetails(error: string | undefined, cause: string | undefined): void {
    this.abortDetails = { ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) };
  }

  /** Records an event the library's log never carries (e.g. an execution that failed before the library ran it). */
  recordExecutionFailed(error: string, cause: string): void {
    this.append({ type: 'ExecutionFailed', executionFailedEventDetails: { error, cause } });
  }

  /** Called when the execution ends: from now on its tasks' late outcomes are not part of its history. */
  closeTaskAttempts(): void {
    this.tasksClosed = true;
  }

  beginTaskAttempt(stateName: string, start: TaskAttemptStart): TaskAttemptHistory {
    const attempt: Attempt = { stateName, start, buffered: [], active: false, ended: false };
    this.openAttempts.push(attempt);
    const record = (draft: Draft | undefined, ends: boolean) => {
      // Nothing to record, the library already ended the attempt (e.g. it timed out), or the execution has ended.
      if (!draft || attempt.ended || this.tasksClosed) return;
      if (ends) attempt.ended = true;
      const stamped = { ...draft, timestamp: this.options.now() };
      if (attempt.active) this.append(stamped);
      else attempt.buffered.push(stamped);
    };
    for (const draft of startDrafts(start)) record(draft, false);
    return {
      submitted: (output) => record(submittedDraft(start, output), false),
      succeeded: (output) => record(succeededDraft(start, output), true),
      failed: (error, cause) => record(failedDraft(start, error, cause), true),
      timedOut: (error, cause) => record(timedOutDraft(start, error, cause), true),
    };
  }

  /** Maps one library event to the AWS events it stands for. */
  consume(event: LibraryEvent): void {
    const timestamp = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionStarted':
        this.append({
          type: 'ExecutionStarted',
          timestamp,
          executionStartedEventDetails: {
            input: JSON.stringify(event.input),
            inputDetails: { truncated: false },
            ...(this.options.roleArn !== undefined && { roleArn: this.options.roleArn }),
          },
        });
        return;
      case 'ExecutionSucceeded':
        this.append({
          type: 'ExecutionSucceeded',
          timestamp,
          executionSucceededEventDetails: { output: JSON.stringify(event.output), outputDetails: { truncated: false } },
        });
        return;
      case 'ExecutionFailed':
        this.append({ type: 'ExecutionFailed', timestamp, executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } });
        return;
      case 'ExecutionAborted':
        this.append({ type: 'ExecutionAborted', timestamp, executionAbortedEventDetails: this.abortDetails });
        return;
      case 'ExecutionTimeout':
        this.append({
          type: 'ExecutionTimedOut',
          timestamp,
          executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' },
        });
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.append({ type: event.type, timestamp, [iterationDetailsField(event.type)]: { name: event.parentState.name, index: event.index } });
        return;
      case 'StateEntered':
        this.stateEntered(event.state.name, event.state.input, timestamp);
        return;
      case 'StateRetried':
        this.activateAttempt(event.state.name);
        return;
      case 'StateFailed':
        this.stateFailed(event.state.name, event.Error, causeText(event.Cause), timestamp);
        return;
      case 'StateExited':
        this.stateExited(event.state.name, event.state.output ?? null, timestamp);
        return;
      default:
        // Parallel branch boundaries and caught errors have no event of their own in AWS's history.
        return;
    }
  }

  private stateEntered(name: string, input: JsonValue, timestamp: Date): void {
    const type = this.typeOf(name);
    const entered = ENTERED[type];
    if (entered) {
      this.append({
        type: entered,
        timestamp,
        stateEnteredEventDetails: { name, input: JSON.stringify(input), inputDetails: { truncated: false } },
      });
    }
    if (type === 'Map') this.append({ type: 'MapStateStarted', timestamp, mapStateStartedEventDetails: {} });
    if (type === 'Parallel') this.append({ type: 'ParallelStateStarted', timestamp });
    if (type === 'Task') this.activateAttempt(name);
  }

  private stateFailed(name: string, error: string, cause: string, timestamp: Date): void {
    const type = this.typeOf(name);
    if (type === 'Task') this.endAttempt(name, { error, cause });
    if (type === 'Map') this.append({ type: 'MapStateFailed', timestamp });
    if (type === 'Parallel') this.append({ type: 'ParallelStateFailed', timestamp });
  }

  private stateExited(name: string, output: JsonValue, timestamp: Date): void {
    const type = this.typeOf(name);
    if (type === 'Task') this.endAttempt(name, undefined);
    if (type === 'Map') this.append({ type: 'MapStateSucceeded', timestamp });
    if (type === 'Parallel') this.append({ type: 'ParallelStateSucceeded', timestamp });
    const exited = EXITED[type];
    if (exited) {
      this.append({
        type: exited,
        timestamp,
        stateExitedEventDetails: { name, output: JSON.stringify(output), outputDetails: { truncated: false } },
      });
    }
  }

  private activateAttempt(stateName: string): void {
    const attempt = this.openAttempts.find((candidate) => candidate.stateName === stateName && !candidate.active);
    if (!attempt) return;
    attempt.active = true;
    for (const draft of attempt.buffered.splice(0)) this.append(draft);
  }

  /**
   * Closes an active attempt of a state: preferably one whose handler already
   * reported its end. On a failure with none such, the oldest active attempt
   * gets the library's error (the library timed it out, or failed it before
   * the handler answered). A StateExited after a caught failure finds nothing
   * left to close.
   */
  private endAttempt(stateName: string, failure: { error: string; cause: string } | undefined): void {
    const active = (candidate: Attempt) => candidate.stateName === stateName && candidate.active;
    let index = this.openAttempts.findIndex((candidate) => active(candidate) && candidate.ended);
    if (index < 0 && failure) index = this.openAttempts.findIndex(active);
    const attempt = this.openAttempts[index];
    if (!attempt) return;
    this.openAttempts.splice(index, 1);
    if (!attempt.ended && failure) {
      attempt.ended = true;
      this.append(
        failure.error === 'States.Timeout'
          ? timedOutDraft(attempt.start, failure.error, failure.cause)
          : failedDraft(attempt.start, failure.error, failure.cause),
      );
    }
  }

  private typeOf(stateName: string): string {
    return this.options.stateTypes.get(stateName) ?? 'Task';
  }

  private append(draft: Draft): void {
    if (this.closed) return;
    if (draft.type !== undefined && TERMINAL_EVENTS.has(draft.type)) this.closed = true;
    const previous = this.recorded.at(-1);
    // Buffered dispatcher events may carry a slightly earlier time than the event they follow.
    const stamp = draft.timestamp ?? this.options.now();
    const timestamp = previous?.timestamp && previous.timestamp > stamp ? previous.timestamp : stamp;
    const event: HistoryEvent = { ...draft, timestamp, id: this.recorded.length + 1, previousEventId: previous?.id ?? 0 };
    this.recorded.push(event);
    this.options.onEvent(event);
  }
}

function iterationDetailsField(
  type: 'MapIterationStarted' | 'MapIterationSucceeded' | 'MapIterationFailed',
): 'mapIterationStartedEventDetails' | 'mapIterationSucceededEventDetails' | 'mapIterationFailedEventDetails' {
  if (type === 'MapIterationStarted') return 'mapIterationStartedEventDetails';
  return type === 'MapIterationSucceeded' ? 'mapIterationSucceededEventDetails' : 'mapIterationFailedEventDetails';
}

function startDrafts(start: TaskAttemptStart): Draft[] {
  if (start.kind === 'lambda-function') {
    return [
      {
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: start.resource,
          input: start.input,
          inputDetails: { truncated: false },
          timeoutInSeconds: start.timeoutInSeconds,
        },
      },
      { type: 'LambdaFunctionStarted' },
    ];
  }
  const { resourceType, resource } = start;
  return [
    {
      type: 'TaskScheduled',
      taskScheduledEventDetails: { resourceType, resource, region: start.region, parameters: start.parameters, timeoutInSeconds: start.timeoutInSeconds },
    },
    { type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource } },
  ];
}

function submittedDraft(start: TaskAttemptStart, output: JsonValue): Draft | undefined {
  // Plain Lambda ARNs have no "submitted" step (no callback or .sync pattern); only integrations do.
  if (start.kind === 'lambda-function') return undefined;
  const { resourceType, resource } = start;
  return { type: 'TaskSubmitted', taskSubmittedEventDetails: { resourceType, resource, output: JSON.stringify(output), outputDetails: { truncated: false } } };
}

function succeededDraft(start: TaskAttemptStart, output: JsonValue): Draft {
  const outputDetails = { output: JSON.stringify(output), outputDetails: { truncated: false } };
  if (start.kind === 'lambda-function') return { type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: outputDetails };
  return { type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType: start.resourceType, resource: start.resource, ...outputDetails } };
}

function failedDraft(start: TaskAttemptStart, error: string, cause: string): Draft {
  if (start.kind === 'lambda-function') return { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error, cause } };
  return { type: 'TaskFailed', taskFailedEventDetails: { resourceType: start.resourceType, resource: start.resource, error, cause } };
}

function timedOutDraft(start: TaskAttemptStart, error: string, cause: string): Draft {
  if (start.kind === 'lambda-function') return { type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: { error, cause } };
  return { type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType: start.resourceType, resource: start.resource, error, cause } };
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause) ?? '';
}
