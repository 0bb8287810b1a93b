import type { AslDefinition } from '../../local/runtime/contracts';
import {
  AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
  CARRIED_INPUT_KEY,
  CARRIED_TIMEOUT_ROOT_KEY,
  LOCAL_WAIT_RESOURCE,
  MAX_SCALED_SECONDS,
  normaliseDefinition,
  UnsupportedDefinitionError,
} from '../../local/runtime/stepfunctions/definition';
import { createRunnableMachine } from '../../local/runtime/stepfunctions/library';
import { parseReferencePath, readReferencePath } from '../../local/runtime/stepfunctions/reference-path';

const LAMBDA = 'arn:aws:lambda:eu-central-1:000000000000:function:Worker';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

function machine(states: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): AslDefinition {
  const [startAt] = Object.keys(states);
  return { StartAt: startAt ?? 'Start', States: states, ...extra };
}

function stateOf(definition: AslDefinition, name: string): Record<string, unknown> {
  const state = definition.States[name];
  if (!state) throw new Error(`no state ${name}`);
  return state;
}

/** The refusal a definition gets, or undefined when it loads. */
function refusal(definition: AslDefinition): UnsupportedDefinitionError | undefined {
  try {
    normaliseDefinition(definition, { scale: 1 });
    return undefined;
  } catch (error) {
    if (error instanceof UnsupportedDefinitionError) return error;
    throw error;
  }
}

describe('refusing what the local engine would silently ignore', () => {
  test.each([
    ['QueryLanguage JSONata on a state', { Type: 'Pass', QueryLanguage: 'JSONata', End: true }, 'JSONata'],
    ['Assign', { Type: 'Pass', Assign: { x: 1 }, End: true }, 'Assign'],
    ['Arguments', { Type: 'Task', Resource: LAMBDA, Arguments: { a: 1 }, End: true }, 'Arguments'],
    ['Output', { Type: 'Pass', Output: '{% $states.input %}', End: true }, 'Output'],
    ['HeartbeatSeconds', { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: 60, End: true }, 'HeartbeatSeconds'],
    ['HeartbeatSecondsPath', { Type: 'Task', Resource: LAMBDA, HeartbeatSecondsPath: '$.h', End: true }, 'HeartbeatSecondsPath'],
    ['an ItemReader', { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject' }, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true }, 'ItemReader'],
    ['a ResultWriter', { Type: 'Map', ResultWriter: {}, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true }, 'ResultWriter'],
    [
      'a Distributed Map',
      { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true },
      'DISTRIBUTED',
    ],
    ['Assign in a Catch', { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Assign: { x: 1 }, Next: 'Step' }], End: true }, 'Assign'],
    ['$$.State.RetryCount', { Type: 'Task', Resource: LAMBDA, Parameters: { 'n.$': '$$.State.RetryCount' }, End: true }, 'RetryCount'],
    ['$$.Task.Token outside a Task', { Type: 'Pass', Parameters: { 't.$': '$$.Task.Token' }, End: true }, '$$.Task.Token'],
  ])('a state using %s is refused with the state named', (_feature, state, mentioned) => {
    const error = refusal(machine({ Step: state }));
    expect(error?.stateName).toBe('Step');
    expect(error?.message).toContain("'Step'");
    expect(error?.message).toContain(mentioned);
  });

  test('a state inside a Map iterator or a Parallel branch is checked too, and named', () => {
    const inMap = machine({
      Outer: { Type: 'Map', ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Assign: { a: 1 }, End: true } } }, End: true },
    });
    const inBranch = machine({
      Fork: { Type: 'Parallel', Branches: [{ StartAt: 'Deep', States: { Deep: { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: 5, End: true } } }], End: true },
    });
    expect(refusal(inMap)?.stateName).toBe('Inner');
    expect(refusal(inBranch)?.stateName).toBe('Deep');
  });

  test('a machine-wide QueryLanguage JSONata is refused', () => {
    const error = refusal(machine({ Step: { Type: 'Pass', End: true } }, { QueryLanguage: 'JSONata' }));
    expect(error?.feature).toBe('QueryLanguage JSONata');
  });

  test('a state name used twice, once inside a Map, is refused as Step Functions does', () => {
    const definition = machine({
      Work: { Type: 'Map', ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } }, End: true },
    });
    expect(refusal(definition)?.feature).toBe('duplicate state name');
  });

  test('JSONPath definitions as CDK writes them (QueryLanguage JSONPath, $$.Task.Token in Parameters) load', () => {
    const definition = machine({
      Ask: {
        Type: 'Task',
        QueryLanguage: 'JSONPath',
        Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
        Parameters: { Message: { 'token.$': '$$.Task.Token', 'state.$': '$$.State.Name' } },
        End: true,
      },
    });
    expect(refusal(definition)).toBeUndefined();
  });
});

describe('task timeouts', () => {
  test("a callback Task's declared TimeoutSeconds (a person's wait) is kept, compressed by the scale", () => {
    const { definition, tasks } = normaliseDefinition(machine({ Await: { Type: 'Task', Resource: CALLBACK, TimeoutSeconds: 3600, End: true } }), { scale: 0.001 });
    expect(stateOf(definition, 'Await').TimeoutSeconds).toBeCloseTo(3.6);
    expect(tasks.get('Await')).toMatchObject({ declaredTimeoutSeconds: 3600, timeoutMs: 3600 });
  });

  test("a request-response Task's TimeoutSeconds is kept as declared: the invocation it bounds runs in real time, like the function's own timeout", () => {
    const { definition, tasks } = normaliseDefinition(machine({ Call: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 35, End: true } }), { scale: 0.0001 });
    expect(stateOf(definition, 'Call').TimeoutSeconds).toBe(35);
    expect(tasks.get('Call')).toMatchObject({ declaredTimeoutSeconds: 35, timeoutMs: 35_000 });
  });

  test("a Task without TimeoutSeconds gets AWS's default, not the library's 60 seconds", () => {
    const { definition, tasks } = normaliseDefinition(machine({ Await: { Type: 'Task', Resource: CALLBACK, End: true } }), { scale: 0.01 });
    expect(stateOf(definition, 'Await').TimeoutSeconds).toBeCloseTo(AWS_DEFAULT_TASK_TIMEOUT_SECONDS * 0.01);
    expect(tasks.get('Await')?.declaredTimeoutSeconds).toBe(AWS_DEFAULT_TASK_TIMEOUT_SECONDS);
  });

  test('a timeout never exceeds what a timer can hold (2^31-1 ms), so it cannot fire at once', () => {
    const { definition, tasks } = normaliseDefinition(machine({ Call: { Type: 'Task', Resource: LAMBDA, End: true } }), { scale: 1 });
    expect(stateOf(definition, 'Call').TimeoutSeconds).toBe(MAX_SCALED_SECONDS);
    expect(tasks.get('Call')?.timeoutMs).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  test('a scaled timeout never reaches zero, which the library would read as "60 seconds"', () => {
    const { definition } = normaliseDefinition(machine({ Await: { Type: 'Task', Resource: CALLBACK, TimeoutSeconds: 1, End: true } }), { scale: 1e-9 });
    expect(stateOf(definition, 'Await').TimeoutSeconds).toBeGreaterThan(0);
  });

  test('Tasks nested in Map iterators and Parallel branches are normalised and listed', () => {
    const { definition, tasks } = normaliseDefinition(
      machine({
        Each: { Type: 'Map', Iterator: { StartAt: 'InMap', States: { InMap: { Type: 'Task', Resource: CALLBACK, End: true } } }, Next: 'Both' },
        Both: { Type: 'Parallel', Branches: [{ StartAt: 'InBranch', States: { InBranch: { Type: 'Task', Resource: CALLBACK, TimeoutSeconds: 10, End: true } } }], End: true },
      }),
      { scale: 0.01 },
    );
    expect([...tasks.keys()].sort()).toEqual(['InBranch', 'InMap']);
    const iterator = stateOf(definition, 'Each').Iterator as AslDefinition;
    expect(stateOf(iterator, 'InMap').TimeoutSeconds).toBeCloseTo(AWS_DEFAULT_TASK_TIMEOUT_SECONDS * 0.01);
    const [branch] = stateOf(definition, 'Both').Branches as AslDefinition[];
    expect(branch && stateOf(branch, 'InBranch').TimeoutSeconds).toBeCloseTo(0.1);
  });

  test('the execution-wide TimeoutSeconds is compressed too', () => {
    const { definition } = normaliseDefinition(machine({ Step: { Type: 'Pass', End: true } }, { TimeoutSeconds: 600 }), { scale: 0.001 });
    expect(definition.TimeoutSeconds).toBeCloseTo(0.6);
  });
});

describe('TimeoutSecondsPath', () => {
  const parameters = { FunctionName: 'Ask', Payload: { 'token.$': '$$.Task.Token', 'requestId.$': '$.requestId' } };
  const awaitDecision = (fields: Record<string, unknown> = {}) =>
    machine({
      Await: { Type: 'Task', Resource: CALLBACK, Parameters: parameters, TimeoutSecondsPath: '$.escalation.insideWarnSeconds', End: true, ...fields },
    });

  test('the library gets the longest timer, and Parameters carry the declared Parameters and the path root to the dispatcher', () => {
    const { definition, tasks } = normaliseDefinition(awaitDecision(), { scale: 0.001 });

    const state = stateOf(definition, 'Await');
    expect(state).not.toHaveProperty('TimeoutSecondsPath');
    expect(state.TimeoutSeconds).toBe(MAX_SCALED_SECONDS);
    expect(state.Parameters).toEqual({ [CARRIED_INPUT_KEY]: parameters, [`${CARRIED_TIMEOUT_ROOT_KEY}.$`]: '$' });
    expect(tasks.get('Await')?.timeoutSecondsPath).toEqual({ text: '$.escalation.insideWarnSeconds', root: '$', steps: ['escalation', 'insideWarnSeconds'] });
  });

  test('a Task without Parameters carries its whole input as the effective input', () => {
    const { definition } = normaliseDefinition(machine({ Call: { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.limit', End: true } }), { scale: 1 });
    expect(stateOf(definition, 'Call').Parameters).toEqual({ [`${CARRIED_INPUT_KEY}.$`]: '$', [`${CARRIED_TIMEOUT_ROOT_KEY}.$`]: '$' });
  });

  test('a path into the Context Object carries $$ as its root', () => {
    const { definition } = normaliseDefinition(awaitDecision({ TimeoutSecondsPath: '$$.Execution.Input.limit' }), { scale: 1 });
    expect(stateOf(definition, 'Await').Parameters).toMatchObject({ [`${CARRIED_TIMEOUT_ROOT_KEY}.$`]: '$$' });
  });

  test('run by the library, the rewrite hands the dispatcher the declared effective input and the state input after InputPath', async () => {
    const declared = awaitDecision({ Resource: LAMBDA, Parameters: { 'requestId.$': '$.requestId' }, InputPath: '$.case' });
    const { definition } = normaliseDefinition(declared, { scale: 1 });
    const seen: unknown[] = [];
    const run = createRunnableMachine(definition).run(
      { case: { requestId: 'r-1', escalation: { insideWarnSeconds: 60 } } },
      { overrides: { taskResourceLocalHandlers: { Await: (input) => (seen.push(input), Promise.resolve('done')) } } },
    );

    expect(await run.result).toBe('done');
    expect(seen).toEqual([
      { [CARRIED_INPUT_KEY]: { requestId: 'r-1' }, [CARRIED_TIMEOUT_ROOT_KEY]: { requestId: 'r-1', escalation: { insideWarnSeconds: 60 } } },
    ]);
  });

  test('retry intervals of a Task with TimeoutSecondsPath are still compressed', () => {
    const { definition } = normaliseDefinition(awaitDecision({ Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 10 }] }), { scale: 0.01 });
    expect(stateOf(definition, 'Await').Retry).toEqual([{ ErrorEquals: ['States.Timeout'], IntervalSeconds: expect.closeTo(0.1) as number, MaxDelaySeconds: MAX_SCALED_SECONDS }]);
  });

  test.each([
    ['a Retry', { Retry: [{ ErrorEquals: ['States.TaskFailed'] }] }],
    ['a Catch', { Catch: [{ ErrorEquals: ['Lambda.ServiceException', 'States.TaskFailed'], Next: 'Fallback' }] }],
  ])('States.TaskFailed in %s of a Task with TimeoutSecondsPath is refused, saying why', (_where, fields) => {
    const error = refusal(awaitDecision(fields));
    expect(error?.stateName).toBe('Await');
    expect(error?.feature).toContain('States.TaskFailed');
    expect(error?.message).toContain("'Await'");
    expect(error?.message).toContain('does not match States.Timeout');
  });

  test('States.Timeout and States.ALL matchers, and States.TaskFailed on a Task with a static timeout, load', () => {
    const matchers = {
      Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1 }],
      Catch: [
        { ErrorEquals: ['States.Timeout'], Next: 'Remind' },
        { ErrorEquals: ['States.ALL'], Next: 'RecordFailure' },
      ],
    };
    expect(refusal(awaitDecision(matchers))).toBeUndefined();
    const staticTimeout = machine({ Call: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 5, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Call' }], End: true } });
    expect(refusal(staticTimeout)).toBeUndefined();
  });

  test('a TimeoutSecondsPath that is not a reference path is refused with the state named', () => {
    const error = refusal(awaitDecision({ TimeoutSecondsPath: '$.limits[*]' }));
    expect(error?.stateName).toBe('Await');
    expect(error?.message).toContain('not a reference path');
  });

  test.each([
    ['$', { root: '$', steps: [] }],
    ['$.escalation.insideWarnSeconds', { root: '$', steps: ['escalation', 'insideWarnSeconds'] }],
    ["$['odd key'][2].x", { root: '$', steps: ['odd key', 2, 'x'] }],
    ['$$.Execution.Input.limit', { root: '$$', steps: ['Execution', 'Input', 'limit'] }],
  ])('the reference path %s is read step by step', (text, parsed) => {
    expect(parseReferencePath(text)).toEqual({ text, ...parsed });
  });

  test.each(['limit', '$..limit', '$.limits[*]', '$.a[?(@.b)]', '$.a[0:2]'])('%s is not a reference path', (text) => {
    expect(parseReferencePath(text)).toBeUndefined();
  });

  test('reading a reference path finds only what is there', () => {
    const input = { escalation: { insideWarnSeconds: 60 }, list: [5] };
    expect(readReferencePath(input, ['escalation', 'insideWarnSeconds'])).toBe(60);
    expect(readReferencePath(input, ['list', 0])).toBe(5);
    expect(readReferencePath(input, ['escalation', 'missing'])).toBeUndefined();
    expect(readReferencePath(input, ['list', 'length'])).toBeUndefined();
    expect(readReferencePath(input, ['escalation', 'toString'])).toBeUndefined();
  });
});

describe('compressed time', () => {
  test('a Wait of declared Seconds waits Seconds × scale', () => {
    const { definition, localWaits } = normaliseDefinition(machine({ Pause: { Type: 'Wait', Seconds: 3600, End: true } }), { scale: 0.0001 });
    expect(stateOf(definition, 'Pause')).toEqual({ Type: 'Wait', Seconds: expect.closeTo(0.36) as number, End: true });
    expect(localWaits.size).toBe(0);
  });

  test.each([
    ['SecondsPath', { SecondsPath: '$.delay' }, { 'input.$': '$', 'seconds.$': '$.delay' }],
    ['Timestamp', { Timestamp: '2030-01-01T00:00:00Z' }, { 'input.$': '$', timestamp: '2030-01-01T00:00:00Z' }],
    ['TimestampPath', { TimestampPath: '$.at' }, { 'input.$': '$', 'timestamp.$': '$.at' }],
  ])('a Wait on %s becomes a local wait task that keeps the state’s paths and transition', (_field, waitFields, parameters) => {
    const declared = machine({ Pause: { Type: 'Wait', ...waitFields, InputPath: '$.in', OutputPath: '$.out', Next: 'After' }, After: { Type: 'Succeed' } });
    const { definition, localWaits, stateTypes } = normaliseDefinition(declared, { scale: 0.001 });
    expect(stateOf(definition, 'Pause')).toEqual({
      Type: 'Task',
      Resource: LOCAL_WAIT_RESOURCE,
      Parameters: parameters,
      TimeoutSeconds: MAX_SCALED_SECONDS,
      InputPath: '$.in',
      OutputPath: '$.out',
      Next: 'After',
    });
    expect(localWaits.has('Pause')).toBe(true);
    expect(stateTypes.get('Pause')).toBe('Wait');
  });

  test('retry intervals are compressed per retrier while backoff, attempts and jitter stay as declared', () => {
    const { definition } = normaliseDefinition(
      machine({
        Call: {
          Type: 'Task',
          Resource: LAMBDA,
          Retry: [
            { ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 5, JitterStrategy: 'FULL', MaxDelaySeconds: 60 },
            { ErrorEquals: ['States.ALL'] },
          ],
          End: true,
        },
      }),
      { scale: 0.01 },
    );
    const [first, second] = stateOf(definition, 'Call').Retry as Record<string, unknown>[];
    expect(first).toEqual({
      ErrorEquals: ['Flaky'],
      IntervalSeconds: expect.closeTo(0.02) as number,
      BackoffRate: 3,
      MaxAttempts: 5,
      JitterStrategy: 'FULL',
      MaxDelaySeconds: expect.closeTo(0.6) as number,
    });
    // AWS's default interval of 1 s is spelled out so it can be scaled; the delay cap keeps long backoffs off the timer limit.
    expect(second).toEqual({ ErrorEquals: ['States.ALL'], IntervalSeconds: expect.closeTo(0.01) as number, MaxDelaySeconds: MAX_SCALED_SECONDS });
  });

  test('normalising leaves the declared definition untouched', () => {
    const declared = machine({ Call: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2 }], End: true } });
    const before = JSON.stringify(declared);
    normaliseDefinition(declared, { scale: 0.001 });
    expect(JSON.stringify(declared)).toBe(before);
  });
});

test('a Pass state with a falsy Result yields that Result when the library runs it, as in AWS', async () => {
  const { definition } = normaliseDefinition(machine({ Flag: { Type: 'Pass', Result: false, ResultPath: '$.flag', End: true } }), { scale: 1 });
  const output = await createRunnableMachine(definition).run({ kept: 1 }).result;
  expect(output).toEqual({ kept: 1, flag: false });
});

test('ResultPath "$" replaces the input with the result, of a state and of a catcher, as in AWS', async () => {
  const whole = normaliseDefinition(machine({ Whole: { Type: 'Pass', Result: { replaced: true }, ResultPath: '$', End: true } }), { scale: 1 }).definition;
  expect(await createRunnableMachine(whole).run({ kept: 1 }).result).toEqual({ replaced: true });
  // A failing Parallel branch is caught by a catcher whose ResultPath is "$": the error output replaces the input.
  const caught = normaliseDefinition(
    machine({
      Try: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'on purpose' } } }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Done' }],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    }),
    { scale: 1 },
  ).definition;
  expect(await createRunnableMachine(caught).run({ kept: 1 }).result).toEqual({ Error: 'Boom', Cause: 'on purpose' });
});
