/**
 * The console's reading of an execution: the ASL as states and transitions,
 * the path a history took through it, and the history as a readable timeline.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { pathTaken, stateGraphOf, timelineOf } from '../../../local/console/state-graph';
import type { AslDefinition } from '../../../local/runtime/contracts';

const definition: AslDefinition = {
  StartAt: 'Check',
  States: {
    Check: { Type: 'Task', Resource: 'arn:aws:lambda:eu-central-1:000000000000:function:check', Next: 'Found', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] },
    Found: { Type: 'Choice', Choices: [{ Variable: '$.found', BooleanEquals: true, Next: 'Reserve' }], Default: 'Escalate' },
    Reserve: { Type: 'Task', Resource: 'arn:aws:lambda:eu-central-1:000000000000:function:reserve', End: true },
    Escalate: { Type: 'Pass', Next: 'Done' },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'Broken' },
  },
};

let id = 0;
const at = (seconds: number) => new Date(Date.UTC(2026, 10, 27, 8, 0, seconds));
const event = (type: HistoryEvent['type'], details: Partial<HistoryEvent> = {}, seconds = id): HistoryEvent => ({ id: ++id, type, timestamp: at(seconds), ...details });
const entered = (name: string) => event('TaskStateEntered', { stateEnteredEventDetails: { name, input: '{}' } });
const exited = (name: string) => event('TaskStateExited', { stateExitedEventDetails: { name, output: '{}' } });

beforeEach(() => {
  id = 0;
});

test('the graph has every state with its type and every transition: next, choice, default and catch', () => {
  const graph = stateGraphOf(definition);
  expect(graph.startAt).toBe('Check');
  expect(graph.states.map((s) => `${s.name}:${s.type}${s.end ? ':end' : ''}`)).toEqual([
    'Check:Task', 'Found:Choice', 'Reserve:Task:end', 'Escalate:Pass', 'Done:Succeed:end', 'Failed:Fail:end',
  ]);
  expect(graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}`)).toEqual([
    'Check>Found:next', 'Check>Failed:catch', 'Found>Reserve:choice', 'Found>Escalate:default', 'Escalate>Done:next',
  ]);
});

test('a running execution: states visited in order, the transitions taken, and the state it is in now', () => {
  const events = [event('ExecutionStarted'), entered('Check'), exited('Check'), entered('Found'), exited('Found'), entered('Reserve')];
  expect(pathTaken(events, 'RUNNING')).toEqual({
    visited: ['Check', 'Found', 'Reserve'],
    transitions: [{ from: 'Check', to: 'Found' }, { from: 'Found', to: 'Reserve' }],
    current: 'Reserve',
  });
});

test('a failed execution is marked where it stopped; a succeeded one has no current state', () => {
  const failed = [event('ExecutionStarted'), entered('Check'), event('ExecutionFailed', { executionFailedEventDetails: { error: 'Broken', cause: 'no stock table' } })];
  expect(pathTaken(failed, 'FAILED')).toEqual({ visited: ['Check'], transitions: [], stoppedAt: 'Check' });
  const done = [entered('Check'), exited('Check'), entered('Found'), exited('Found'), entered('Reserve'), exited('Reserve'), event('ExecutionSucceeded')];
  expect(pathTaken(done, 'SUCCEEDED')).toEqual({ visited: ['Check', 'Found', 'Reserve'], transitions: [{ from: 'Check', to: 'Found' }, { from: 'Found', to: 'Reserve' }] });
});

test('the timeline names the state of task events and reads a Lambda error as type and message', () => {
  const events = [
    event('ExecutionStarted', { executionStartedEventDetails: { input: '{"requestId":"r-1"}' } }),
    entered('Check'),
    event('LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:eu-central-1:000000000000:function:check', timeoutInSeconds: 30 } }),
    event('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: 'ValidationError', cause: '{"errorType":"ValidationError","errorMessage":"lines[0].sku is unknown","trace":["at x"]}' } }),
  ];
  expect(timelineOf(events)).toEqual([
    { id: 1, timestamp: at(0).toISOString(), type: 'ExecutionStarted', detail: '{"requestId":"r-1"}' },
    { id: 2, timestamp: at(1).toISOString(), type: 'TaskStateEntered', state: 'Check', detail: '{}' },
    { id: 3, timestamp: at(2).toISOString(), type: 'LambdaFunctionScheduled', state: 'Check', detail: 'lambda:check' },
    { id: 4, timestamp: at(3).toISOString(), type: 'LambdaFunctionFailed', state: 'Check', error: 'ValidationError', cause: 'ValidationError: lines[0].sku is unknown' },
  ]);
});
