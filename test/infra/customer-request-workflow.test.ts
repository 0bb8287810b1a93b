/**
 * The CustomerRequest workflow as deployed: the state machine's settings, its
 * definition (the ASL, read back from the template's DefinitionString), and the
 * permissions of the machine and of the functions around it.
 *
 * Checks that walk many states or statements collect what is wrong as
 * readable lines and expect that list to be empty, so a failure names every
 * offending state or statement at once.
 */
import { stageConfig } from '../../lib/stage-config';
import { devTemplate } from '../support/infra-template';
import { allStates, definitionOf, type State } from '../support/state-machine-definitions';

// The dev app, synthesized once for the infra project by test/infra/global-setup.ts.
const template = devTemplate();

// ------------------------------------------------------------ template access

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Resource {
  readonly Type: string;
  readonly Properties: JsonObject;
}

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: Json;
  readonly NotResource?: Json;
  readonly Principal?: Json;
  readonly Condition?: Record<string, Record<string, Json>>;
}

interface PolicyDocument {
  readonly Statement: Statement[];
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
/** Same CloudFormation value (literal or intrinsic). */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown): string => JSON.stringify(value) ?? 'undefined';
const actionsOf = (s: Statement): string[] => asList(s.Action);
/** Whether a statement concerns a service: an action of it, a wildcard, or a NotAction (which allows the rest). */
const concerns = (s: Statement, service: string): boolean =>
  s.NotAction !== undefined || actionsOf(s).some((a) => a === '*' || a.startsWith(`${service}:`));

function resources(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function onlyId(type: string, prefix: string): string {
  const ids = Object.keys(resources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} with id ${prefix}…, found ${show(ids)}`);
  return ids[0]!;
}

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` names. */
function getAttTarget(value: Json | undefined): string {
  const getAtt = isObject(value) ? value['Fn::GetAtt'] : undefined;
  if (!Array.isArray(getAtt) || typeof getAtt[0] !== 'string') throw new Error(`not an Fn::GetAtt: ${show(value)}`);
  return getAtt[0];
}

const tableId = onlyId('AWS::DynamoDB::GlobalTable', 'DataTable');
const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
const stateMachineId = onlyId('AWS::StepFunctions::StateMachine', 'CustomerRequestsWorkflow');
const stateMachine = resources('AWS::StepFunctions::StateMachine')[stateMachineId]!;
const opsAlertsId = onlyId('AWS::SNS::Topic', 'NotificationsOpsAlerts');
/** The tandem email topics are created at run time (functions/notifications); IAM names their common prefix. */
const tandemTopicPrefix = (suffix: string): Json => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:Tandem360-dev-tandem-${suffix}`]],
});
const restApiId = onlyId('AWS::ApiGateway::RestApi', 'StoreApi');

/** `CustomerRequests<name>Function…`, e.g. `functionId('SubmitRequest')`. */
const functionId = (name: string): string => onlyId('AWS::Lambda::Function', `CustomerRequests${name}Function`);
const functionProps = (name: string): JsonObject => resources('AWS::Lambda::Function')[functionId(name)]!.Properties;
function environmentOf(name: string): JsonObject {
  const environment = functionProps(name).Environment;
  if (!isObject(environment) || !isObject(environment.Variables)) throw new Error(`${name} has no environment`);
  return environment.Variables;
}

/** Every statement a role is given: attached AWS::IAM::Policy resources and the role's inline policies. */
function statementsOfRole(roleId: string): Statement[] {
  const attached = Object.values(resources('AWS::IAM::Policy'))
    .filter((p) => asList(p.Properties.Roles).some((r) => isObject(r) && r.Ref === roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as unknown as PolicyDocument).Statement);
  const role = resources('AWS::IAM::Role')[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = asList(role.Properties.Policies).flatMap((p) => (isObject(p) ? (p.PolicyDocument as unknown as PolicyDocument).Statement : []));
  return [...attached, ...inline];
}

const statementsOfFunction = (name: string): Statement[] => statementsOfRole(getAttTarget(functionProps(name).Role));
const stateMachineStatements = (): Statement[] => statementsOfRole(getAttTarget(stateMachine.Properties.RoleArn));

/** All functions of the service, by the name in their logical id. */
const ALL_FUNCTIONS = Object.keys(resources('AWS::Lambda::Function'))
  .map((id) => /^CustomerRequests(\w+?)Function[0-9A-F]{8}$/.exec(id)?.[1])
  .filter((name): name is string => name !== undefined);

/** The workflow's steps: one function per step kind. */
const STEP_FUNCTIONS = [
  'FulfilRequest',
  'PlanEscalation',
  'OfferDecision',
  'ExpireDecision',
  'ReserveDecidedStock',
  'ConcludeRequest',
  'NotifyTandem',
  'ReleaseLapsedHolds',
];
const API_FUNCTIONS = ['SubmitRequest', 'GetRequest', 'StockFeed', 'GetTask', 'DecideTask'];

// ------------------------------------------------------------ the ASL

const asl = definitionOf(stateMachine.Properties.DefinitionString);
const states = allStates(asl);
const tasks = states.filter(([, s]) => s.Type === 'Task');
function stateNamed(name: string): State {
  const found = states.find(([n]) => n === name);
  if (!found) throw new Error(`no state ${name}`);
  return found[1];
}
/** Where a state can go: Next, Default, its choices and its catchers. */
const successors = (s: State): string[] => [
  ...(s.Next ? [s.Next] : []),
  ...(s.Default ? [s.Default] : []),
  ...(s.Choices ?? []).map((c) => c.Next),
  ...(s.Catch ?? []).map((c) => c.Next),
];
/** The function a Lambda task invokes: its Resource (payload-only form) or its FunctionName. */
function invokedFunctionId(s: State): string | undefined {
  const target = s.Parameters?.FunctionName ?? s.Resource;
  return typeof target === 'string' ? /^\$\{(\w+)\.Arn\}$/.exec(target)?.[1] : undefined;
}
const transactItems = (s: State): JsonObject[] => asList(s.Parameters?.TransactItems).filter(isObject);

const FAILURE_PATH = ['RecordFailure', 'AlertOps'];
const CALLBACKS = ['AwaitInsideDecision', 'RemindInsideManager', 'HandOverToFieldManager'];

// ------------------------------------------------------------ tests

describe('CustomerRequest state machine', () => {
  test('is a Standard workflow, traced, logging every event but no execution data to a log group with a retention', () => {
    expect(stateMachine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const destinations = (stateMachine.Properties.LoggingConfiguration as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: Json } }[] }).Destinations;
    expect(destinations).toHaveLength(1);
    const logGroup = resources('AWS::Logs::LogGroup')[getAttTarget(destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn)];
    expect(logGroup).toBeDefined();
    expect(typeof logGroup!.Properties.RetentionInDays).toBe('number');
    expect(logGroup!.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  test('runs from FulfilRequest through a task state for every step, the three decision phases and the failure path', () => {
    expect(asl.StartAt).toBe('FulfilRequest');
    // SendHeldSms runs NotifyTandem's function after quiet hours, for the SMS that FulfilRequest or ConcludeRequest held.
    const expected = [...STEP_FUNCTIONS.filter((f) => f !== 'OfferDecision' && f !== 'NotifyTandem'), 'SendHeldSms', ...CALLBACKS, ...FAILURE_PATH];
    expect(tasks.map(([name]) => name).sort()).toEqual(expected.sort());
  });

  test('every failure that is not retried records the request FAILED, then alerts ops, then fails the execution', () => {
    const problems: string[] = [];
    for (const [name, task] of tasks) {
      const last = task.Catch?.at(-1);
      if (!last || !same(last.ErrorEquals, ['States.ALL'])) {
        problems.push(`${name}: last catcher ${show(last)} does not match States.ALL alone`);
        continue;
      }
      // RecordFailure, AlertOps and RequestFailed read the error from $.failure.
      if (!FAILURE_PATH.includes(name) && (last.Next !== 'RecordFailure' || last.ResultPath !== '$.failure')) {
        problems.push(`${name}: States.ALL goes to ${last.Next} with ResultPath ${show(last.ResultPath)}`);
      }
    }
    expect(problems).toEqual([]);

    const recordFailure = stateNamed('RecordFailure');
    expect(recordFailure.Next).toBe('AlertOps');
    expect((recordFailure.Catch ?? []).map((c) => c.Next)).toEqual(['AlertOps']);
    const alertOps = stateNamed('AlertOps');
    expect(alertOps.Next).toBe('RequestFailed');
    expect((alertOps.Catch ?? []).map((c) => c.Next)).toEqual(['RequestFailed']);
    expect(stateNamed('RequestFailed')).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });

    // No other way to fail: RequestFailed is the only Fail state, and only AlertOps leads to it.
    expect(states.filter(([, s]) => s.Type === 'Fail').map(([n]) => n)).toEqual(['RequestFailed']);
    expect(states.filter(([, s]) => successors(s).includes('RequestFailed')).map(([n]) => n)).toEqual(['AlertOps']);
  });

  test('every human wait has a deadline, passes to the next phase when it expires, and carries the task token but no names or contact details', () => {
    const nextPhase: Record<string, string> = {
      AwaitInsideDecision: 'RemindInsideManager',
      RemindInsideManager: 'HandOverToFieldManager',
      HandOverToFieldManager: 'ExpireDecision',
    };
    const personal = /mobile|email|name|phone/i;
    const problems: string[] = [];
    for (const name of CALLBACKS) {
      const task = stateNamed(name);
      if (!/^arn:[^:]+:states:::lambda:invoke\.waitForTaskToken$/.test(task.Resource ?? '')) problems.push(`${name}: Resource ${show(task.Resource)}`);
      if (invokedFunctionId(task) !== functionId('OfferDecision')) problems.push(`${name}: invokes ${show(invokedFunctionId(task))}`);
      if (!task.TimeoutSecondsPath?.startsWith('$.')) problems.push(`${name}: no TimeoutSecondsPath`);
      const onTimeout = task.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next;
      if (onTimeout !== nextPhase[name]) problems.push(`${name}: States.Timeout goes to ${show(onTimeout)}, not ${nextPhase[name]}`);
      // An expired phase is not a transient failure: the States.ALL retrier must not repeat it.
      const timeoutRetrier = task.Retry?.find((r) => r.ErrorEquals.includes('States.Timeout') || r.ErrorEquals.includes('States.ALL'));
      if (!timeoutRetrier?.ErrorEquals.includes('States.Timeout') || timeoutRetrier.MaxAttempts !== 0) problems.push(`${name}: States.Timeout is retried`);

      const payload = task.Parameters?.Payload;
      if (!isObject(payload)) {
        problems.push(`${name}: no Payload object`);
        continue;
      }
      if (payload['taskToken.$'] !== '$$.Task.Token') problems.push(`${name}: taskToken.$ is ${show(payload['taskToken.$'])}`);
      if (payload['requestId.$'] !== '$.requestId') problems.push(`${name}: requestId.$ is ${show(payload['requestId.$'])}`);
      const walk = (value: Json, path: string): void => {
        if (isObject(value)) {
          for (const [k, v] of Object.entries(value)) {
            if (personal.test(k)) problems.push(`${name}: ${path}.${k}`);
            walk(v, `${path}.${k}`);
          }
        } else if (Array.isArray(value)) {
          value.forEach((v, i) => walk(v, `${path}[${i}]`));
        } else if (typeof value === 'string' && personal.test(value)) {
          problems.push(`${name}: ${path} = ${value}`);
        }
      };
      walk(payload, 'Payload');
    }
    expect(problems).toEqual([]);
  });

  test('RecordFailure writes status FAILED straight to the table, and AlertOps publishes to the ops alert topic', () => {
    const recordFailure = stateNamed('RecordFailure');
    expect(recordFailure.Resource).toMatch(/^arn:[^:]+:states:::aws-sdk:dynamodb:transactWriteItems$/);
    const items = transactItems(recordFailure);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) for (const operation of Object.values(item)) expect(operation).toMatchObject({ TableName: `\${${tableId}}` });
    expect(items.map((item) => item.Update).filter(isObject)).toContainEqual(
      expect.objectContaining({
        Key: { pk: { 'S.$': "States.Format('REQUEST#{}', $.requestId)" }, sk: { S: 'REQUEST' } },
        UpdateExpression: expect.stringMatching(/^SET (.+, )?#status = :failed(,|$)/) as unknown,
        ExpressionAttributeNames: expect.objectContaining({ '#status': 'status' }) as unknown,
        ExpressionAttributeValues: expect.objectContaining({ ':failed': { S: 'FAILED' } }) as unknown,
      }),
    );

    const alertOps = stateNamed('AlertOps');
    expect(alertOps.Resource).toMatch(/^arn:[^:]+:states:::sns:publish$/);
    expect(alertOps.Parameters?.TopicArn).toBe(`\${${opsAlertsId}}`);
  });

  test('the state machine role may perform every write of the RecordFailure transaction on the table', () => {
    // TransactWriteItems is authorized item by item, by the action each item performs.
    const itemAction: Record<string, string> = { Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem' };
    const needed = [...new Set(transactItems(stateNamed('RecordFailure')).flatMap((item) => Object.keys(item).map((kind) => itemAction[kind] ?? `?${kind}`)))].sort();
    expect(needed).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    const allowedOnTable = stateMachineStatements()
      .filter((s) => s.Effect === 'Allow' && asList(s.Resource).some((r) => same(r, tableArn)))
      .flatMap(actionsOf);
    expect(needed.filter((action) => !allowedOnTable.includes(action))).toEqual([]);
  });
});

describe('least privilege', () => {
  test('the state machine may invoke exactly the step functions, publish only to the ops alerts topic, and use DynamoDB only on the table', () => {
    const statements = stateMachineStatements();
    const problems: string[] = [];
    for (const s of statements) {
      if (s.Effect !== 'Allow' || s.NotAction !== undefined || s.NotResource !== undefined) problems.push(`unexpected statement form ${show(s)}`);
    }

    const stepIds = STEP_FUNCTIONS.map(functionId).sort();
    const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    // The definition invokes exactly the step functions...
    expect([...new Set(tasks.map(([, t]) => invokedFunctionId(t)).filter((id): id is string => id !== undefined))].sort()).toEqual(stepIds);
    // ...and the role may invoke those and no other: each resource is a step function's ARN or ARN:* (its versions and aliases).
    const invokable = new Set<string>();
    for (const s of statements.filter((st) => concerns(st, 'lambda'))) {
      if (!same(actionsOf(s), ['lambda:InvokeFunction'])) problems.push(`lambda actions ${show(s.Action)}`);
      for (const resource of asList(s.Resource)) {
        const fn = stepIds.find((id) => same(resource, arnOf(id)) || same(resource, { 'Fn::Join': ['', [arnOf(id), ':*']] }));
        if (fn) invokable.add(fn);
        else problems.push(`may invoke ${show(resource)}`);
      }
    }
    expect([...invokable].sort()).toEqual(stepIds);

    const sns = statements.filter((s) => concerns(s, 'sns'));
    if (sns.length === 0) problems.push('may not publish to the ops alerts topic');
    for (const s of sns) {
      if (!same(actionsOf(s), ['sns:Publish']) || !same(s.Resource, { Ref: opsAlertsId })) problems.push(`sns statement ${show(s)}`);
    }

    const dynamo = statements.filter((s) => concerns(s, 'dynamodb'));
    if (dynamo.length === 0) problems.push('no DynamoDB statement for RecordFailure');
    for (const s of dynamo) {
      if (!same(s.Resource, tableArn)) problems.push(`DynamoDB on ${show(s.Resource)}`);
      if (actionsOf(s).some((a) => a.includes('*'))) problems.push(`DynamoDB wildcard action ${show(s.Action)}`);
    }

    // On "*" only what supports no resource-level permission: log delivery and X-Ray.
    const wildcardOk = /^(logs:(CreateLogDelivery|DeleteLogDelivery|DescribeLogGroups|DescribeResourcePolicies|GetLogDelivery|ListLogDeliveries|PutResourcePolicy|UpdateLogDelivery)|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets))$/;
    for (const s of statements.filter((st) => asList(st.Resource).includes('*'))) {
      for (const action of actionsOf(s).filter((a) => !wildcardOk.test(a))) problems.push(`${action} on "*"`);
    }
    expect(problems).toEqual([]);
  });

  test('every function reaches only the table itself, never an index or "*", and only partitions named by a LeadingKeys condition', () => {
    expect([...ALL_FUNCTIONS].sort()).toEqual([...STEP_FUNCTIONS, ...API_FUNCTIONS].sort());
    const problems: string[] = [];
    for (const name of ALL_FUNCTIONS) {
      const dynamo = statementsOfFunction(name).filter((s) => concerns(s, 'dynamodb'));
      if (dynamo.length === 0) problems.push(`${name}: no DynamoDB statement`);
      for (const s of dynamo) {
        if (s.Effect !== 'Allow' || s.NotAction !== undefined || s.NotResource !== undefined) problems.push(`${name}: statement form ${show(s)}`);
        if (!same(s.Resource, tableArn)) problems.push(`${name}: DynamoDB on ${show(s.Resource)}`);
        for (const action of actionsOf(s)) if (!/^dynamodb:[A-Za-z]+$/.test(action)) problems.push(`${name}: action ${action}`);
        const leadingKeys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
        const prefixes = asList(leadingKeys);
        if (prefixes.length === 0 || prefixes.some((p) => typeof p !== 'string' || !/^[A-Z]+#\*$/.test(p))) {
          problems.push(`${name}: LeadingKeys ${show(leadingKeys)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('SubmitRequest may start executions of this state machine only, and no other function may start any', () => {
    const problems: string[] = [];
    for (const name of ALL_FUNCTIONS) {
      const starts = statementsOfFunction(name).filter((s) => s.NotAction !== undefined || actionsOf(s).some((a) => /^(states:(StartExecution|\*)|\*)$/.test(a)));
      if (name !== 'SubmitRequest') {
        for (const s of starts) problems.push(`${name} may start executions: ${show(s)}`);
      }
    }
    const submitStates = statementsOfFunction('SubmitRequest').filter((s) => concerns(s, 'states'));
    expect(submitStates).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: stateMachineId } }]);
    expect(problems).toEqual([]);
  });

  test('DecideTask may answer the decision tasks of this state machine, and (success only) those of the customer lifecycle machines its link also serves; of the others only OfferDecision may, and no other function touches Step Functions', () => {
    const problems: string[] = [];
    const lifecycleMachines = Object.keys(resources('AWS::StepFunctions::StateMachine')).filter((id) => id.startsWith('CustomerLifecycle'));
    for (const name of ['DecideTask', 'OfferDecision']) {
      const all = statementsOfFunction(name).filter((s) => concerns(s, 'states'));
      // The decision link answers customer tasks too (customer-lifecycle/tasks): SendTaskSuccess on those machines, nothing else.
      const lifecycle = all.filter((s) => name === 'DecideTask' && lifecycleMachines.some((id) => same(s.Resource, { Ref: id })));
      for (const s of lifecycle) if (!same(actionsOf(s), ['states:SendTaskSuccess'])) problems.push(`${name}: on a lifecycle machine ${show(s)}`);
      const statements = all.filter((s) => !lifecycle.includes(s));
      const actions = statements.flatMap(actionsOf);
      for (const needed of ['states:SendTaskSuccess', 'states:SendTaskFailure']) if (!actions.includes(needed)) problems.push(`${name}: lacks ${needed}`);
      for (const s of statements) {
        if (s.Effect !== 'Allow' || s.NotAction !== undefined || s.NotResource !== undefined) problems.push(`${name}: statement form ${show(s)}`);
        if (!same(s.Resource, { Ref: stateMachineId })) problems.push(`${name}: answers tasks on ${show(s.Resource)}`);
        for (const action of actionsOf(s)) if (!/^states:SendTask(Success|Failure|Heartbeat)$/.test(action)) problems.push(`${name}: ${action}`);
      }
    }
    for (const name of ALL_FUNCTIONS.filter((n) => !['DecideTask', 'OfferDecision', 'SubmitRequest'].includes(n))) {
      for (const s of statementsOfFunction(name).filter((st) => concerns(st, 'states'))) problems.push(`${name}: ${show(s)}`);
    }
    expect(problems).toEqual([]);
  });

  test('only the functions that tell the tandem (FulfilRequest, ConcludeRequest, NotifyTandem, OfferDecision, StockFeed) may publish: to the tandem email topic, and SMS to phone numbers through NotResource, never to "*"', () => {
    const messengers = ['FulfilRequest', 'ConcludeRequest', 'NotifyTandem', 'OfferDecision', 'StockFeed'];
    expect(ALL_FUNCTIONS).toEqual(expect.arrayContaining(messengers));
    const problems: string[] = [];
    for (const name of ALL_FUNCTIONS) {
      // The opt-out check before an SMS is the one SNS action besides Publish, and has no resource type.
      const optOutChecks = statementsOfFunction(name).filter((s) => actionsOf(s).includes('sns:CheckIfPhoneNumberIsOptedOut'));
      for (const s of optOutChecks) {
        if (!messengers.includes(name)) problems.push(`${name} may check opt-outs`);
        if (actionsOf(s).some((a) => a.startsWith('sns:') && a !== 'sns:CheckIfPhoneNumberIsOptedOut')) problems.push(`${name}: opt-out statement ${show(s)}`);
      }
      const publish = statementsOfFunction(name).filter((s) => concerns(s, 'sns') && !optOutChecks.includes(s));
      if (!messengers.includes(name)) {
        for (const s of publish) problems.push(`${name} may publish: ${show(s)}`);
        continue;
      }
      for (const s of publish) {
        if (s.Effect !== 'Allow' || s.NotAction !== undefined || !same(actionsOf(s), ['sns:Publish'])) problems.push(`${name}: statement form ${show(s)}`);
        if (asList(s.Resource).includes('*')) problems.push(`${name}: sns:Publish on "*"`);
      }
      // Email: the tandem topics only (not the ops alerts).
      const topics = publish.filter((s) => s.Resource !== undefined).flatMap((s) => asList(s.Resource));
      if (!same(topics, [tandemTopicPrefix('*')])) problems.push(`${name}: publishes to ${show(topics)}`);
      // SMS: every resource that is not an SNS ARN — phone numbers.
      const sms = publish.filter((s) => s.NotResource !== undefined).map((s) => s.NotResource);
      if (!same(sms, [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] }])) problems.push(`${name}: SMS statement NotResource ${show(sms)}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('workflow step settings', () => {
  test('the step functions get the store count, deadlines, grace period and decision links from the stage config', () => {
    const settings = stageConfig('dev').customerRequests;
    expect(environmentOf('FulfilRequest')).toMatchObject({ CANDIDATE_STORES: String(settings.candidateStores), RESERVATION_GRACE_HOURS: '4' });
    expect(environmentOf('PlanEscalation')).toMatchObject({ SLA_MINUTES: '30', WARNING_FRACTION: '0.5' });
    expect(environmentOf('ReserveDecidedStock')).toMatchObject({ RESERVATION_GRACE_HOURS: '4', CANDIDATE_STORES: String(settings.candidateStores) });

    const offer = environmentOf('OfferDecision');
    expect(offer.TANDEM_TOPIC_ARN_PREFIX).toEqual(tandemTopicPrefix(''));
    const link = offer.DECISION_LINK_BASE;
    const parts = isObject(link) ? link['Fn::Join'] : undefined;
    expect(Array.isArray(parts) && parts[0] === '' && Array.isArray(parts[1])).toBe(true);
    const joined = (parts as [string, Json[]])[1];
    expect(joined[0]).toBe('https://');
    expect(joined).toContainEqual({ Ref: restApiId });
  });
});
