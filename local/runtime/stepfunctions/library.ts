/**
 * The only module that loads aws-local-stepfunctions, so the polyfill it needs
 * is in place first and the rest of the adapter sees the few library types it
 * uses under our names.
 */
import './promise-with-resolvers';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslDefinition } from '../contracts';

export { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine };

export type LibraryRun = ReturnType<StateMachine['run']>;
/** One event of the library's `eventLogs` generator. */
export type LibraryEvent = LibraryRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type LibraryTaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
export type LibraryContext = NonNullable<RunOptions['context']>;

/**
 * Checks a definition as the library would (asl-validator: structure, JSONPaths,
 * ARNs) and returns the message when it is invalid.
 */
export function validateWithLibrary(definition: AslDefinition): string | undefined {
  try {
    new StateMachine(asLibraryDefinition(definition));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * A normalised definition carries fields the validator would refuse (scaled,
 * fractional seconds; local Wait tasks), so it is run without validation after
 * the declared definition passed `validateWithLibrary`.
 */
export function createRunnableMachine(normalised: AslDefinition): StateMachine {
  return new StateMachine(asLibraryDefinition(normalised), { validationOptions: { noValidate: true } });
}

function asLibraryDefinition(definition: AslDefinition): StateMachineDefinition {
  // The contracts type a definition loosely (parsed JSON); the library's type is its ASL schema.
  return definition as unknown as StateMachineDefinition;
}
