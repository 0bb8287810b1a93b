/**
 * Issue 8, point 7: every retry is bounded and jittered — read from the
 * synthesized template (all state machines, all functions, every
 * asynchronous path) and from the SDK clients the functions build.
 *
 * - every Retrier of every state machine: JitterStrategy FULL, a stated
 *   MaxAttempts, and a MaxDelaySeconds wherever it retries at all (a retrier
 *   with MaxAttempts 0 declares errors that are never retried: no delay to cap);
 * - every Task that invokes a Lambda function and waits for its answer has a
 *   TimeoutSeconds above the function's Timeout; every callback task waits for
 *   a deadline (TimeoutSecondsPath: the person's window); every execution has
 *   a timeout of its own;
 * - no function keeps Lambda's 3 s default;
 * - every asynchronous path (stream event source mappings, asynchronously
 *   invoked functions, SNS subscriptions of functions and queues, EventBridge
 *   targets, state machines) ends in a failure destination that an alarm
 *   watches, and its retries are bounded too;
 * - the AWS SDK clients in functions/ and the repository's own retry loops
 *   (batch writes, transactions) have a bounded number of attempts.
 *
 * Checks collect what is wrong as readable lines and expect that list to be empty.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { MAXIMUM_RETRY_DELAY } from '@smithy/core/retry';
import { PROJECT_ROOT } from '../../lib/app';
import { BATCH_RETRY, backoffMs, type RetryPolicy } from '../../functions/repository/document-client';
import { TRANSACTION_RETRY } from '../../functions/repository/reservation-repository';
import { LAMBDA_TASK_TIMEOUT_MARGIN } from '../../workflows/lambda-step';
import { devTemplate } from '../support/infra-template';
import { recordProof } from '../support/proof';
import { allStates, definitionOf, type Json, type JsonObject, type State } from '../support/state-machine-definitions';

interface Resource {
  readonly Type: string;
  readonly Properties: JsonObject;
}

const resources = (devTemplate().toJSON() as { Resources: Record<string, Resource> }).Resources;
const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, …] }` names. */
function targetId(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

// ------------------------------------------------------------ the state machines and their tasks

const machines = ofType('AWS::StepFunctions::StateMachine').map(([id, r]) => ({ id, definition: definitionOf(r.Properties.DefinitionString) }));
const tasks = machines.flatMap(({ id, definition }) => allStates(definition).filter(([, s]) => s.Type === 'Task').map(([name, state]) => ({ machine: id, name, state })));
const where = (t: { machine: string; name: string }): string => `${t.machine.replace(/[0-9A-F]{8}$/, '')}.${t.name}`;

const isCallback = (s: State): boolean => (s.Resource ?? '').endsWith('.waitForTaskToken');
/** The function a task invokes: `${Fn.Arn}` as its Resource (payload-only form) or as Parameters.FunctionName. */
function invokedFunction(s: State): string | undefined {
  const target = s.Parameters?.FunctionName ?? s.Resource;
  return typeof target === 'string' ? /^\$\{(\w+)\.Arn\}$/.exec(target)?.[1] : undefined;
}

const functions = ofType('AWS::Lambda::Function');
const timeoutOf = (functionId: string): number | undefined => {
  const timeout = resources[functionId]?.Properties.Timeout;
  return typeof timeout === 'number' ? timeout : undefined;
};

// ------------------------------------------------------------ alarms

const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => asList(a.Properties.AlarmActions).length > 0);
/** Alarms (with an action) on a metric of `namespace` whose dimension `name` is `value`. */
function alarmsOn(namespace: string, metricName: string, name: string, value: Json): string[] {
  return alarms
    .filter(([, a]) => a.Properties.Namespace === namespace && a.Properties.MetricName === metricName)
    .filter(([, a]) => asList(a.Properties.Dimensions).some((d) => isObject(d) && d.Name === name && same(d.Value, value)))
    .map(([id]) => id);
}

/** The alarms watching a failure destination: messages published to a topic, or visible in a queue. */
function alarmsWatching(destinationId: string): string[] {
  const destination = resources[destinationId];
  if (destination?.Type === 'AWS::SNS::Topic') return alarmsOn('AWS/SNS', 'NumberOfMessagesPublished', 'TopicName', { 'Fn::GetAtt': [destinationId, 'TopicName'] });
  if (destination?.Type === 'AWS::SQS::Queue') return alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [destinationId, 'QueueName'] });
  return [];
}

/** A failure destination that exists and is watched, or the problem with it. */
function destinationProblem(path: string, destination: Json | undefined): string | undefined {
  const id = targetId(destination);
  if (!id || !resources[id]) return `${path}: no failure destination in the stack (${show(destination)})`;
  if (alarmsWatching(id).length === 0) return `${path}: no alarm watches its failure destination ${id}`;
  return undefined;
}

// ------------------------------------------------------------ tests

/** What each test found, for the figure; a test adds its entry only when its assertions held. */
const found: Record<string, Record<string, number>> = {};

describe('every retry is bounded and jittered', () => {
  test('every retrier of every state machine has full jitter, a stated number of attempts and, where it retries, a capped delay', () => {
    const problems: string[] = [];
    let retriers = 0;
    let retrying = 0;
    for (const task of tasks) {
      if ((task.state.Retry ?? []).length === 0) problems.push(`${where(task)}: no Retry`);
      for (const retrier of task.state.Retry ?? []) {
        retriers += 1;
        const at = `${where(task)} [${retrier.ErrorEquals.join(', ')}]`;
        if (retrier.JitterStrategy !== 'FULL') problems.push(`${at}: JitterStrategy ${show(retrier.JitterStrategy)}`);
        // Stated, never the ASL default (3); 0 = never retried (errors retrying cannot help).
        const attempts = retrier.MaxAttempts;
        if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0 || attempts > 5) problems.push(`${at}: MaxAttempts ${show(attempts)}`);
        if (attempts === 0) continue;
        retrying += 1;
        const maxDelay = retrier.MaxDelaySeconds;
        if (!(typeof maxDelay === 'number' && maxDelay > 0 && maxDelay <= 60)) problems.push(`${at}: MaxDelaySeconds ${show(maxDelay)}`);
      }
    }
    // Tasks are where retriers are; a Parallel or Map state with a Retry would be missed by the loop above.
    for (const { id, definition } of machines) {
      for (const [name, state] of allStates(definition)) if (state.Type !== 'Task' && (state.Retry ?? []).length > 0) problems.push(`${id}.${name}: a ${state.Type} with a Retry`);
    }
    expect(tasks.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    found.retriers = { retriers, retrying, neverRetried: retriers - retrying };
  });

  test("every Lambda task waits longer than its function may run, every callback task for a person's deadline, every execution for its machine's timeout", () => {
    const problems: string[] = [];
    let lambdaTasks = 0;
    let callbackTasks = 0;
    let otherTasks = 0;
    for (const task of tasks) {
      const { state } = task;
      const fn = invokedFunction(state);
      if (isCallback(state)) {
        // The person's window, computed per case by the step before it; the function's own timeout bounds the offer.
        callbackTasks += 1;
        if ([state.TimeoutSeconds, state.TimeoutSecondsPath].every((v) => v === undefined)) problems.push(`${where(task)}: a callback without a timeout`);
      } else if (fn) {
        lambdaTasks += 1;
        const functionTimeout = timeoutOf(fn);
        if (functionTimeout === undefined) problems.push(`${where(task)}: invokes ${fn}, which has no Timeout`);
        else if (!(typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > functionTimeout)) {
          problems.push(`${where(task)}: TimeoutSeconds ${show(state.TimeoutSeconds)} is not above ${fn}'s Timeout ${functionTimeout}`);
        }
      } else {
        otherTasks += 1;
      }
    }
    for (const { id, definition } of machines) if (!(typeof definition.TimeoutSeconds === 'number' && definition.TimeoutSeconds > 0)) problems.push(`${id}: no execution timeout`);
    expect(lambdaTasks).toBeGreaterThan(0);
    expect(callbackTasks).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    found.tasks = { tasks: tasks.length, lambdaTasks, callbackTasks, serviceIntegrationTasks: otherTasks, marginSeconds: LAMBDA_TASK_TIMEOUT_MARGIN.toSeconds() };
  });

  test("no function keeps Lambda's 3 s default timeout", () => {
    const unset = functions.filter(([, f]) => typeof f.Properties.Timeout !== 'number' || f.Properties.Timeout <= 3).map(([id, f]) => `${id}: Timeout ${show(f.Properties.Timeout)}`);
    expect(functions.length).toBeGreaterThan(0);
    expect(unset).toEqual([]);
    const timeouts = functions.map(([id]) => timeoutOf(id) ?? 0);
    found.functions = { functions: functions.length, shortestTimeoutSeconds: Math.min(...timeouts), longestTimeoutSeconds: Math.max(...timeouts) };
  });

  test('every asynchronous path ends in a failure destination an alarm watches, after bounded retries', () => {
    const problems: string[] = [];
    const paths: string[] = [];
    const note = (path: string, problem: string | undefined) => {
      paths.push(path);
      if (problem) problems.push(problem);
    };

    // Stream event source mappings: bounded retries (attempts and record age), then the on-failure destination.
    for (const [id, m] of ofType('AWS::Lambda::EventSourceMapping')) {
      const path = `stream ${id}`;
      const source = targetId(m.Properties.EventSourceArn);
      if (!source || !['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::Kinesis::Stream'].includes(resources[source]?.Type ?? '')) {
        problems.push(`${path}: an event source this proof does not model (${show(m.Properties.EventSourceArn)}): an SQS source needs its queue's redrive policy checked`);
        continue;
      }
      const attempts = m.Properties.MaximumRetryAttempts;
      if (!(typeof attempts === 'number' && attempts >= 0 && attempts <= 10)) problems.push(`${path}: MaximumRetryAttempts ${show(attempts)} (unbounded is -1, the default)`);
      const age = m.Properties.MaximumRecordAgeInSeconds;
      if (!(typeof age === 'number' && age > 0)) problems.push(`${path}: MaximumRecordAgeInSeconds ${show(age)}`);
      const onFailure = isObject(m.Properties.DestinationConfig) && isObject(m.Properties.DestinationConfig.OnFailure) ? m.Properties.DestinationConfig.OnFailure.Destination : undefined;
      note(path, destinationProblem(path, onFailure));
    }

    // Functions invoked asynchronously (by a service other than API Gateway, or with an invoke config): a DLQ or an on-failure destination.
    const invokeConfigs = ofType('AWS::Lambda::EventInvokeConfig');
    const asyncFunctions = new Set<string>([
      ...ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal !== 'apigateway.amazonaws.com').map(([, p]) => targetId(p.Properties.FunctionName)),
      ...invokeConfigs.map(([, c]) => targetId(c.Properties.FunctionName)),
      ...ofType('AWS::SNS::Subscription').filter(([, s]) => s.Properties.Protocol === 'lambda').map(([, s]) => targetId(s.Properties.Endpoint)),
      ...ofType('AWS::Events::Rule').flatMap(([, r]) => asList(r.Properties.Targets).map((t) => (isObject(t) ? targetId(t.Arn) : undefined))),
    ].filter((id): id is string => id !== undefined && resources[id]?.Type === 'AWS::Lambda::Function'));
    for (const fn of asyncFunctions) {
      const dlq = resources[fn]!.Properties.DeadLetterConfig;
      const config = invokeConfigs.find(([, c]) => targetId(c.Properties.FunctionName) === fn)?.[1].Properties;
      const onFailure = isObject(config?.DestinationConfig) && isObject(config.DestinationConfig.OnFailure) ? config.DestinationConfig.OnFailure.Destination : undefined;
      const attempts = config?.MaximumRetryAttempts;
      if (attempts !== undefined && !(typeof attempts === 'number' && attempts <= 2)) problems.push(`async ${fn}: MaximumRetryAttempts ${show(attempts)}`);
      note(`async ${fn}`, destinationProblem(`async ${fn}`, onFailure ?? (isObject(dlq) ? dlq.TargetArn : undefined)));
    }

    // SNS subscriptions of functions and queues: a redrive policy's dead-letter queue.
    for (const [id, s] of ofType('AWS::SNS::Subscription').filter(([, sub]) => sub.Properties.Protocol === 'lambda' || sub.Properties.Protocol === 'sqs')) {
      const redrive = s.Properties.RedrivePolicy;
      note(`subscription ${id}`, destinationProblem(`subscription ${id}`, isObject(redrive) ? redrive.deadLetterTargetArn : undefined));
    }

    // EventBridge rule targets: a dead-letter queue and a bounded retry policy.
    for (const [id, r] of ofType('AWS::Events::Rule')) {
      for (const [i, target] of asList(r.Properties.Targets).entries()) {
        if (!isObject(target)) continue;
        const path = `rule ${id} target ${i}`;
        const retry = isObject(target.RetryPolicy) ? target.RetryPolicy.MaximumRetryAttempts : undefined;
        if (!(typeof retry === 'number' && retry <= 10)) problems.push(`${path}: RetryPolicy.MaximumRetryAttempts ${show(retry)} (EventBridge's default is 185)`);
        note(path, destinationProblem(path, isObject(target.DeadLetterConfig) ? target.DeadLetterConfig.Arn : undefined));
      }
    }

    // State machines: an alarm on failed executions, and a failure path that alerts a watched topic before the execution fails.
    for (const { id, definition } of machines) {
      const path = `state machine ${id}`;
      if (alarmsOn('AWS/States', 'ExecutionsFailed', 'StateMachineArn', { Ref: id }).length === 0) problems.push(`${path}: no ExecutionsFailed alarm`);
      const states = Object.fromEntries(allStates(definition));
      const alerts = Object.entries(states)
        .filter(([, s]) => /^arn:[^:]+:states:::sns:publish$/.test(s.Resource ?? ''))
        .filter(([, s]) => {
          const topic = typeof s.Parameters?.TopicArn === 'string' ? /^\$\{(\w+)\}$/.exec(s.Parameters.TopicArn)?.[1] : undefined;
          return topic !== undefined && alarmsWatching(topic).length > 0;
        })
        .map(([name]) => name);
      /** The states a failure caught at `start` passes through (Next, Default, choices, catchers). */
      const reachable = (start: string): Set<string> => {
        const seen = new Set<string>();
        const queue = [start];
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          const s = states[name];
          if (seen.has(name) || !s) continue;
          seen.add(name);
          queue.push(...[s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].filter((n): n is string => n !== undefined));
        }
        return seen;
      };
      for (const [name, s] of Object.entries(states).filter(([, st]) => st.Type === 'Task')) {
        const catchAll = (s.Catch ?? []).find((c) => c.ErrorEquals.includes('States.ALL'));
        if (!catchAll) {
          problems.push(`${path}.${name}: no States.ALL catcher`);
          continue;
        }
        const onward = reachable(catchAll.Next);
        const failsAfter = [...onward].some((n) => states[n]?.Type === 'Fail');
        // The alert itself may fail: then the execution fails, and the ExecutionsFailed alarm is the alert.
        const alerted = alerts.includes(name) || alerts.some((a) => onward.has(a));
        if (!failsAfter || !alerted) problems.push(`${path}.${name}: a failure ${alerted ? '' : 'alerts no watched topic'}${!alerted && !failsAfter ? ' and ' : ''}${failsAfter ? '' : 'never fails the execution'}`);
      }
      paths.push(path);
    }

    expect(paths.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    const count = (prefix: string) => paths.filter((p) => p.startsWith(prefix)).length;
    found.asyncPaths = {
      asyncPaths: paths.length,
      streamMappings: count('stream '),
      asyncFunctions: count('async '),
      subscriptions: count('subscription '),
      ruleTargets: count('rule '),
      stateMachines: count('state machine '),
      otherAsyncPaths: count('async ') + count('subscription ') + count('rule '),
    };
  });

  test('the AWS SDK clients the functions build, and the repository retry loops, try a bounded number of times', async () => {
    // Every client construction in functions/: its class and the config it is given.
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) sources.push(path);
      }
    };
    walk(join(PROJECT_ROOT, 'functions'));
    const constructions = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new (\w+Client)\(([^)]*)\)/g)].map((m) => ({ file: relative(PROJECT_ROOT, file), client: m[1]!, config: m[2]!.trim() })),
    );
    const clients: Record<string, () => { config: { maxAttempts: () => Promise<number>; retryMode: string | (() => Promise<string>) } }> = {
      DynamoDBClient: () => new DynamoDBClient({ region: 'eu-central-1' }),
      SNSClient: () => new SNSClient({ region: 'eu-central-1' }),
      SFNClient: () => new SFNClient({ region: 'eu-central-1' }),
    };
    const problems: string[] = [];
    for (const c of constructions) {
      if (!clients[c.client]) problems.push(`${c.file}: new ${c.client}(…) is not checked here: add it`);
      // The SDK's defaults apply; a config that changes retries must be read and checked here.
      if (/maxAttempts|retryStrategy|retryMode/.test(c.config)) problems.push(`${c.file}: new ${c.client}(${c.config}) sets its own retries`);
    }
    const attempts: Record<string, number> = {};
    for (const [name, make] of Object.entries(clients)) {
      const config = make().config;
      attempts[name] = await config.maxAttempts();
      if (!(attempts[name] >= 1 && attempts[name] <= 5)) problems.push(`${name}: maxAttempts ${attempts[name]}`);
      const mode = typeof config.retryMode === 'string' ? config.retryMode : await config.retryMode();
      if (mode !== 'standard') problems.push(`${name}: retry mode ${mode}`);
    }
    // The standard mode's backoff: exponential, jittered, capped.
    if (!(MAXIMUM_RETRY_DELAY > 0 && MAXIMUM_RETRY_DELAY <= 20_000)) problems.push(`SDK MAXIMUM_RETRY_DELAY ${MAXIMUM_RETRY_DELAY}`);

    // The repository's own loops (unprocessed batch items, transaction conflicts): bounded, capped, full jitter.
    const loops: Record<string, RetryPolicy> = { BATCH_RETRY, TRANSACTION_RETRY };
    for (const [name, policy] of Object.entries(loops)) {
      if (!(Number.isInteger(policy.maxAttempts) && policy.maxAttempts > 0 && policy.maxAttempts <= 20)) problems.push(`${name}: maxAttempts ${policy.maxAttempts}`);
      const longest = Math.max(...Array.from({ length: policy.maxAttempts + 1 }, (_, n) => backoffMs(n, policy, () => 0.999_999)));
      if (longest > policy.maxDelayMs) problems.push(`${name}: a delay of ${longest} ms above its cap ${policy.maxDelayMs}`);
      if (backoffMs(policy.maxAttempts, policy, () => 0) !== 0) problems.push(`${name}: no full jitter (a draw of 0 does not wait 0 ms)`);
    }
    expect(constructions.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    found.sdk = {
      sdkClientConstructions: constructions.length,
      ...Object.fromEntries(Object.entries(attempts).map(([name, n]) => [`${name}.maxAttempts`, n])),
      sdkMaxDelayMs: MAXIMUM_RETRY_DELAY,
      batchRetryAttempts: BATCH_RETRY.maxAttempts,
      transactionRetryAttempts: TRANSACTION_RETRY.maxAttempts,
    };
  });

  test('figure', () => {
    expect(Object.keys(found).sort()).toEqual(['asyncPaths', 'functions', 'retriers', 'sdk', 'tasks']);
    const { retriers, tasks: t, functions: f, asyncPaths: a, sdk } = found;
    recordProof({
      id: '7-bounded-retries',
      point: 7,
      promise: 'Every retry is bounded and jittered; every Lambda task waits longer than its function may run; no function keeps the 3 s default; every asynchronous path ends in a watched failure destination',
      load: `the synthesized dev template: ${machines.length} state machines, ${t!.tasks} task states, ${f!.functions} functions; ${sdk!.sdkClientConstructions} SDK client constructions in functions/`,
      result:
        `${retriers!.retriers} retriers all FULL jitter with MaxAttempts ≤ 5 (${retriers!.retrying} retry, each with MaxDelaySeconds; ${retriers!.neverRetried} never retry); ` +
        `${t!.lambdaTasks} Lambda tasks with TimeoutSeconds = function timeout + ${t!.marginSeconds} s, ${t!.callbackTasks} callback tasks with a deadline; ` +
        `${f!.functions} functions with Timeout ${f!.shortestTimeoutSeconds}–${f!.longestTimeoutSeconds} s; ${a!.asyncPaths} asynchronous paths (${a!.streamMappings} stream mappings, ${a!.stateMachines} state machines, ` +
        `${a!.otherAsyncPaths} other) each with an alarmed failure destination; SDK clients ${sdk!['DynamoDBClient.maxAttempts']}/${sdk!['SNSClient.maxAttempts']}/${sdk!['SFNClient.maxAttempts']} attempts (DynamoDB/SNS/SFN)`,
      figures: { stateMachines: machines.length, ...retriers, ...t, ...f, ...a, ...sdk },
    });
  });
});
