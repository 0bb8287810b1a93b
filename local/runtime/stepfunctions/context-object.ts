/**
 * The Context Object (`$$`) of one execution. The library fixes it for the
 * whole run, but `$$.Task.Token` and `$$.State.*` differ per task attempt; so
 * the context carries unguessable placeholders for them, and the dispatcher
 * replaces the placeholders in a task's effective input (Parameters already
 * applied) with the attempt's real values.
 */
import { randomBytes } from 'node:crypto';
import type { JsonValue } from './json';
import type { LibraryContext } from './library';

export interface ContextPlaceholders {
  readonly taskToken: string;
  readonly stateName: string;
  readonly stateEnteredTime: string;
}

export function createContextPlaceholders(): ContextPlaceholders {
  const nonce = randomBytes(12).toString('hex');
  return {
    taskToken: `<<local-sfn:${nonce}:Task.Token>>`,
    stateName: `<<local-sfn:${nonce}:State.Name>>`,
    stateEnteredTime: `<<local-sfn:${nonce}:State.EnteredTime>>`,
  };
}

export interface ExecutionContextFacts {
  readonly executionArn: string;
  readonly name: string;
  readonly startTime: Date;
  readonly roleArn?: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
}

export function buildContextObject(facts: ExecutionContextFacts, placeholders: ContextPlaceholders): LibraryContext {
  return {
    // The library sets Execution.Input and Execution.StartTime itself.
    Execution: {
      Id: facts.executionArn,
      Name: facts.name,
      StartTime: facts.startTime.toISOString(),
      RedriveCount: 0,
      ...(facts.roleArn !== undefined && { RoleArn: facts.roleArn }),
    },
    StateMachine: { Id: facts.stateMachineArn, Name: facts.stateMachineName },
    State: { Name: placeholders.stateName, EnteredTime: placeholders.stateEnteredTime },
    Task: { Token: placeholders.taskToken },
  };
}

/** Replaces every placeholder occurrence in the strings of a JSON value. */
export function fillPlaceholders(value: JsonValue, fills: ReadonlyArray<readonly [placeholder: string, value: string]>): JsonValue {
  if (typeof value === 'string') return fills.reduce((text, [placeholder, filled]) => text.split(placeholder).join(filled), value);
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, fills));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, fills)]));
  }
  return value;
}

export function containsPlaceholder(value: JsonValue, placeholder: string): boolean {
  return JSON.stringify(value).includes(placeholder);
}
