/**
 * An execution as ops read it: the state machine's ASL as a graph of states
 * and transitions, the path an execution took through it (from its history),
 * and its history as a readable timeline. Pure functions over the definition
 * and AWS's HistoryEvent shape, so the same code would read a deployed
 * execution's history.
 *
 * Map and Parallel states are one node each: the product's workflows use
 * neither, and their inner states are not transitions of the outer graph.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AslDefinition } from '../runtime/contracts';
import type { GraphEdge, GraphState, PathTaken, StateGraph, TimelineEvent } from './console-contract';

export function stateGraphOf(definition: AslDefinition): StateGraph {
  const states: GraphState[] = [];
  const edges: GraphEdge[] = [];
  const add = (from: string, to: unknown, kind: GraphEdge['kind']) => {
    if (typeof to === 'string' && !edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, kind });
  };
  for (const [name, state] of Object.entries(definition.States)) {
    const type = String(state.Type);
    states.push({ name, type, end: state.End === true || type === 'Succeed' || type === 'Fail' });
    add(name, state.Next, 'next');
    for (const choice of asArray(state.Choices)) add(name, choice.Next, 'choice');
    add(name, state.Default, 'default');
    for (const handler of asArray(state.Catch)) add(name, handler.Next, 'catch');
  }
  return { startAt: definition.StartAt, states, edges };
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
}

/** The states entered in order, the transitions between them, and where the execution is or stopped. */
export function pathTaken(events: readonly HistoryEvent[], status: string): PathTaken {
  const visited: string[] = [];
  const transitions: { from: string; to: string }[] = [];
  let last: string | undefined;
  let inside: string | undefined;
  for (const event of events) {
    const entered = event.stateEnteredEventDetails?.name;
    if (entered !== undefined) {
      if (!visited.includes(entered)) visited.push(entered);
      if (last !== undefined && !transitions.some((t) => t.from === last && t.to === entered)) transitions.push({ from: last, to: entered });
      last = entered;
      inside = entered;
    }
    if (event.stateExitedEventDetails?.name !== undefined && event.stateExitedEventDetails.name === inside) inside = undefined;
  }
  if (status === 'RUNNING') return { visited, transitions, ...(last !== undefined && { current: inside ?? last }) };
  if (status === 'SUCCEEDED' || last === undefined) return { visited, transitions };
  return { visited, transitions, stoppedAt: last };
}

/** The state an event belongs to: named by state events, the state entered last for the others. */
export function timelineOf(events: readonly HistoryEvent[]): TimelineEvent[] {
  let state: string | undefined;
  return events.map((event) => {
    state = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name ?? state;
    const failure = failureOf(event);
    const detail = detailOf(event);
    return {
      id: event.id ?? 0,
      timestamp: (event.timestamp ?? new Date(0)).toISOString(),
      type: event.type ?? 'Unknown',
      ...(state !== undefined && !event.type?.startsWith('Execution') && { state }),
      ...(failure?.error !== undefined && { error: failure.error }),
      ...(failure?.cause !== undefined && { cause: readableCause(failure.cause) }),
      ...(detail !== undefined && { detail }),
    };
  });
}

/** Any `…EventDetails` with an error or cause: task, Lambda, execution failures, timeouts, aborts. */
function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  for (const [name, details] of Object.entries(event)) {
    if (!name.endsWith('EventDetails') || typeof details !== 'object' || details === null) continue;
    const { error, cause } = details as { error?: unknown; cause?: unknown };
    if (typeof error === 'string' || typeof cause === 'string') {
      return { ...(typeof error === 'string' && { error }), ...(typeof cause === 'string' && { cause }) };
    }
  }
  return undefined;
}

/** A Lambda failure's cause is JSON (`errorType`, `errorMessage`, `trace`): the message is what a person reads. */
function readableCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return typeof parsed.errorType === 'string' ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
  } catch {
    // not JSON: shown as it is
  }
  return cause;
}

const DETAIL_LIMIT = 300;

function detailOf(event: HistoryEvent): string | undefined {
  const d = event.taskScheduledEventDetails;
  if (d) return clip(`${d.resourceType}:${d.resource}${d.timeoutInSeconds ? ` (timeout ${d.timeoutInSeconds} s)` : ''}`);
  const lambda = event.lambdaFunctionScheduledEventDetails;
  if (lambda?.resource) return clip(`lambda:${lambda.resource.slice(lambda.resource.lastIndexOf(':') + 1)}`);
  const text =
    event.stateEnteredEventDetails?.input ??
    event.stateExitedEventDetails?.output ??
    event.taskSucceededEventDetails?.output ??
    event.lambdaFunctionSucceededEventDetails?.output ??
    event.executionStartedEventDetails?.input ??
    event.executionSucceededEventDetails?.output;
  return text === undefined ? undefined : clip(text);
}

function clip(text: string): string {
  return text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT - 1)}…` : text;
}
