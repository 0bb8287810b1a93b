/**
 * Every wait ends: across all state machines of the stack, no callback task
 * (`.waitForTaskToken`) waits without TimeoutSeconds(Path) or
 * HeartbeatSeconds(Path), and every state machine has an execution timeout.
 * A person who never answers must not keep a workflow open for a year.
 */
import { devTemplate } from '../support/infra-template';
import { allStates, definitionOf, type Json } from '../support/state-machine-definitions';

const machines = Object.entries(devTemplate().findResources('AWS::StepFunctions::StateMachine') as Record<string, { Properties: { DefinitionString: Json } }>).map(
  ([id, resource]) => ({ id, definition: definitionOf(resource.Properties.DefinitionString) }),
);

describe('workflow timeouts', () => {
  test('the stack has the customer-request and the customer lifecycle state machines', () => {
    expect(machines.map((m) => m.id).some((id) => id.startsWith('CustomerRequestsWorkflow'))).toBe(true);
    expect(machines.length).toBeGreaterThanOrEqual(2);
  });

  test('no callback task in any state machine waits without a timeout or heartbeat', () => {
    const callbackTasks = machines.flatMap(({ id, definition }) =>
      allStates(definition)
        .filter(([, state]) => state.Type === 'Task' && (state.Resource ?? '').endsWith('.waitForTaskToken'))
        .map(([name, state]) => ({ machine: id, name, state })),
    );
    expect(callbackTasks.length).toBeGreaterThan(0);
    const unbounded = callbackTasks
      .filter(({ state }) => [state.TimeoutSeconds, state.TimeoutSecondsPath, state.HeartbeatSeconds, state.HeartbeatSecondsPath].every((v) => v === undefined))
      .map(({ machine, name }) => `${machine}: ${name}`);
    expect(unbounded).toEqual([]);
  });

  test('every state machine ends its executions after a timeout of its own', () => {
    expect(machines.filter(({ definition }) => !(typeof definition.TimeoutSeconds === 'number' && definition.TimeoutSeconds > 0)).map((m) => m.id)).toEqual([]);
  });
});
