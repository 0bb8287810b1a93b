/**
 * Issue 8, point 6: least privilege, checked on the synthesized template.
 * Every role's actions and resources are listed (reports/proof/6-roles.json,
 * rendered into reports/reliability.md) and compared with what its code calls:
 * a function's bundle (the SDK calls it can make), a state machine's ASL (the
 * tasks it runs). "*" only for actions without a resource type, each with its
 * written reason (lib/security/actions-without-resource-types.ts). cdk-nag's
 * AwsSolutions and Serverless packs have no unacknowledged finding — the
 * synthesis would have failed — and no acknowledgement outlives its finding
 * (lib/security/acknowledgement-audit.ts fails the synthesis otherwise).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTRY_METADATA } from '../../lib/functions/tandem-function';
import { ACTIONS_WITHOUT_RESOURCE_TYPES } from '../../lib/security/actions-without-resource-types';
import { sdkCallsOfEntry } from '../support/bundle-sdk-calls';
import { devTemplate } from '../support/infra-template';
import { PROOF_DIR, recordProof } from '../support/proof';
import { showResource, templateRoles, type TemplateRole } from '../support/role-statements';
import { allStates, definitionOf, type Json } from '../support/state-machine-definitions';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

const template = devTemplate();
const resources = template.toJSON().Resources as Resources;
const roles = templateRoles(template);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** The template role a `Role`/`RoleArn` property names (`Fn::GetAtt [Role, Arn]`). */
const roleOf = (value: unknown) => roles.find((r) => r.logicalId === ((value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'] ?? [])[0]);

/** What the Lambda service itself does with a function's role: logs, traces, and (stream triggers) reading the stream and its key, sending failures to the destination. */
function platformActions(functionId: string): Set<string> {
  const actions = new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
  const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => (m.Properties.FunctionName as { Ref?: string }).Ref === functionId);
  for (const [, mapping] of mappings) {
    ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'kms:Decrypt'].forEach((a) => actions.add(a));
    if (mapping.Properties.DestinationConfig) ['sns:Publish', 'kms:GenerateDataKey*'].forEach((a) => actions.add(a));
  }
  return actions;
}

/** The actions a state machine's tasks need, from its ASL: Lambda invocations, the SDK integrations' item operations, SNS publishes. */
function definitionActions(definition: ReturnType<typeof definitionOf>): { actions: Set<string>; functions: Set<string> } {
  const actions = new Set<string>();
  const functions = new Set<string>();
  const functionRef = (value: unknown) => /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(String(value))?.[1];
  for (const [, state] of allStates(definition)) {
    if (state.Type !== 'Task' || !state.Resource) continue;
    const integration = /:states:::(.+)$/.exec(state.Resource)?.[1];
    const direct = functionRef(state.Resource);
    if (direct || integration?.startsWith('lambda:invoke')) {
      actions.add('lambda:InvokeFunction');
      const fn = direct ?? functionRef(state.Parameters?.FunctionName);
      if (fn) functions.add(fn);
    } else if (integration === 'sns:publish') {
      actions.add('sns:Publish');
    } else if (integration === 'aws-sdk:dynamodb:putItem') {
      actions.add('dynamodb:PutItem');
    } else if (integration === 'aws-sdk:dynamodb:transactWriteItems') {
      for (const item of (state.Parameters?.TransactItems ?? []) as Json[]) {
        for (const key of Object.keys(item as Record<string, Json>)) actions.add({ Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem' }[key] ?? `unknown transaction item ${key}`);
      }
    } else {
      actions.add(`unmapped integration ${state.Resource}`);
    }
  }
  return { actions, functions };
}

const STATE_MACHINE_PLATFORM = new Set(Object.keys(ACTIONS_WITHOUT_RESOURCE_TYPES).filter((a) => a.startsWith('logs:') || a.startsWith('xray:')));
const granted = (role: TemplateRole) => new Set(role.statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions));

describe('least privilege, on the synthesized template', () => {
  const functions = ofType('AWS::Lambda::Function');
  const machines = ofType('AWS::StepFunctions::StateMachine');

  test('every function role grants only what the function\'s bundle can call, plus what Lambda itself does with the role', () => {
    const problems: string[] = [];
    for (const [id, fn] of functions) {
      const role = roleOf(fn.Properties.Role);
      if (!role) {
        problems.push(`${id}: no role of its own`);
        continue;
      }
      const entry = fn.Metadata?.[ENTRY_METADATA];
      if (typeof entry !== 'string') {
        problems.push(`${id}: no ${ENTRY_METADATA} metadata naming its code`);
        continue;
      }
      const calls = sdkCallsOfEntry(entry);
      if (calls.unknownCommands.length > 0) problems.push(`${id}: SDK commands without a known IAM action: ${calls.unknownCommands.join(', ')}`);
      const allowed = new Set([...calls.actions, ...platformActions(id)]);
      for (const action of granted(role)) if (!allowed.has(action)) problems.push(`${id}: grants ${action}, which its code never calls`);
    }
    expect(problems).toEqual([]);
    expect(functions.length).toBeGreaterThan(30);
  });

  test('every state machine role grants exactly what its ASL runs: the functions it invokes, its integrations, and logging/tracing', () => {
    const problems: string[] = [];
    for (const [id, machine] of machines) {
      const role = roleOf(machine.Properties.RoleArn);
      if (!role) {
        problems.push(`${id}: no role of its own`);
        continue;
      }
      const needed = definitionActions(definitionOf(machine.Properties.DefinitionString as Json));
      const grants = granted(role);
      for (const action of grants) if (!needed.actions.has(action) && !STATE_MACHINE_PLATFORM.has(action)) problems.push(`${id}: grants ${action}, which no state runs`);
      for (const action of needed.actions) if (!grants.has(action)) problems.push(`${id}: a state needs ${action}, not granted`);
      const invokable = new Set(
        role.statements.filter((s) => s.actions.includes('lambda:InvokeFunction')).flatMap((s) => s.resources.map((r) => showResource(r).replace(/\.Arn(:\*)?$/, ''))),
      );
      for (const fn of needed.functions) if (!invokable.has(fn)) problems.push(`${id}: invokes ${fn}, not granted`);
      for (const fn of invokable) if (!needed.functions.has(fn)) problems.push(`${id}: may invoke ${fn}, which no state invokes`);
    }
    expect(problems).toEqual([]);
    expect(machines).toHaveLength(4);
  });

  test('"*" is granted only for actions that have no resource type, each with a written reason; nothing grants a service wildcard', () => {
    const problems: string[] = [];
    for (const role of roles) {
      for (const s of role.statements) {
        for (const action of s.actions) if (action === '*' || /:\*$/.test(action)) problems.push(`${role.logicalId}: action ${action}`);
        const onStar = !s.notResource && s.resources.some((r) => r === '*');
        if (onStar) for (const action of s.actions) if (!ACTIONS_WITHOUT_RESOURCE_TYPES[action]) problems.push(`${role.logicalId}: ${action} on "*"`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every role is listed with its actions and resources, and the figure is recorded', () => {
    const listing = roles.map((role) => ({
      role: role.logicalId,
      assumedBy: role.assumedBy,
      statements: role.statements.map((s) => ({
        effect: s.effect,
        actions: [...s.actions].sort(),
        [s.notResource ? 'notResources' : 'resources']: s.resources.map(showResource),
        ...(s.conditions ? { conditions: s.conditions } : {}),
      })),
    }));
    mkdirSync(PROOF_DIR, { recursive: true });
    writeFileSync(join(PROOF_DIR, '6-roles.json'), `${JSON.stringify(listing, null, 2)}\n`);
    const statements = roles.flatMap((r) => r.statements);
    const onStar = statements.filter((s) => !s.notResource && s.resources.includes('*'));
    expect(listing.length).toBe(roles.length);
    recordProof({
      id: '6-least-privilege',
      point: 6,
      promise: 'Each role may do only what its code calls; "*" only for actions without a resource type; no unacknowledged or stale cdk-nag finding.',
      load: `${roles.length} roles (${functions.length} functions, ${machines.length} state machines) of the synthesized dev template; AwsSolutions + Serverless packs`,
      result: `${roles.length} roles, ${statements.length} statements: every grant matched to a call of its code; ${onStar.length} statements on "*", all for the ${Object.keys(ACTIONS_WITHOUT_RESOURCE_TYPES).length} listed actions without a resource type; cdk-nag: 0 unacknowledged, 0 stale acknowledgements`,
      figures: {
        roles: roles.length,
        functionRoles: functions.length,
        stateMachineRoles: machines.length,
        statements: statements.length,
        statementsOnStar: onStar.length,
        actionsAllowedOnStar: Object.keys(ACTIONS_WITHOUT_RESOURCE_TYPES).length,
      },
    });
  });
});
