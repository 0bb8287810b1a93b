/**
 * Issue 8, point 8: data protection, read from the synthesized dev and prod
 * templates and from the attributes the provisioning function creates the
 * tandem topics with at run time.
 *
 * - every table is encrypted with KMS (a key AWS manages and rotates, or a key
 *   of the stack with rotation on) and has point-in-time recovery; in prod it
 *   has deletion protection and is retained when the stack goes;
 * - every KMS key of the stack rotates;
 * - every SNS topic — the stack's and each tandem's — is encrypted and denies
 *   publishing without TLS (the tandem topics: any use); every SQS queue too;
 * - every log group has a retention (encryption: CloudWatch Logs' own at-rest
 *   encryption, no key of ours — docs/data-protection.md says why); no state
 *   machine logs execution data (the inputs and outputs carry ids only, but the
 *   log is not where to rely on that).
 *
 * That no personal data reaches any log line is proved by running the story:
 * test/integration/proof-no-personal-data-in-logs.test.ts.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { tandemTopicAttributes } from '../../functions/notifications/provisioning/tandem-provisioner';
import { devTemplate, prodSynthesis } from '../support/infra-template';
import { recordProof } from '../support/proof';
import type { Json, JsonObject } from '../support/state-machine-definitions';

interface Resource {
  readonly Type: string;
  readonly Properties: JsonObject;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

interface Statement {
  readonly Effect: string;
  readonly Principal?: Json;
  readonly Action?: string | string[];
  readonly Resource?: Json;
  readonly Condition?: Record<string, Record<string, Json>>;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

const resourcesOf = (template: Template) => (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
const ofType = (resources: Record<string, Resource>, ...types: string[]): [string, Resource][] => Object.entries(resources).filter(([, r]) => types.includes(r.Type));

/**
 * Whether a statement refuses every principal `actions` (or every action of the service) when the request did
 * not come over TLS. The stack's topics deny sns:Publish (CDK's `enforceSSL`, AWS's documented form, cdk-nag's
 * AwsSolutions-SNS3); the tandem topics deny sns:*.
 */
const deniesWithoutTls = (s: Statement, actions: readonly string[], resource: Json): boolean =>
  s.Effect === 'Deny' &&
  (same(s.Principal, '*') || same(s.Principal, { AWS: '*' })) &&
  asList(s.Action).some((a) => actions.includes(a) || a === `${actions[0]!.split(':')[0]}:*` || a === '*') &&
  asList(s.Resource).some((r) => same(r, resource)) &&
  ['false', false].includes(s.Condition?.Bool?.['aws:SecureTransport'] as string | boolean);

/** A KMS key reference that rotates: an AWS managed key (`alias/aws/…`, rotated by AWS every year) or a key of the stack with rotation on. */
function keyProblem(resources: Record<string, Resource>, where: string, keyRef: Json | undefined): string | undefined {
  if (keyRef === undefined) return `${where}: not encrypted with a KMS key`;
  if (JSON.stringify(keyRef).includes('alias/aws/')) return undefined;
  const getAtt = isObject(keyRef) ? keyRef['Fn::GetAtt'] : undefined;
  const id = isObject(keyRef) && typeof keyRef.Ref === 'string' ? keyRef.Ref : Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
  const key = id ? resources[id] : undefined;
  if (key?.Type !== 'AWS::KMS::Key') return `${where}: key ${show(keyRef)} is neither AWS managed nor a key of the stack`;
  return key.Properties.EnableKeyRotation === true ? undefined : `${where}: key ${id} does not rotate`;
}

const dev = resourcesOf(devTemplate());
const found: Record<string, Record<string, number | string>> = {};

describe('data protection', () => {
  test('every table is encrypted with a rotating KMS key and has point-in-time recovery; in prod it has deletion protection and is retained', () => {
    const prod = resourcesOf(prodSynthesis().template);
    const problems: string[] = [];
    const tables = ofType(dev, 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table');
    for (const [stage, resources] of [['dev', dev], ['prod', prod]] as const) {
      for (const [id, table] of ofType(resources, 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table')) {
        const where = `${stage} ${id}`;
        const sse = table.Properties.SSESpecification;
        if (!isObject(sse) || sse.SSEEnabled !== true || sse.SSEType !== 'KMS') problems.push(`${where}: SSESpecification ${show(sse)}`);
        // A global table names a replica's own key in the replica; none means DynamoDB's AWS managed key, aws/dynamodb.
        const replicas = table.Type === 'AWS::DynamoDB::GlobalTable' ? asList(table.Properties.Replicas).filter(isObject) : [table.Properties];
        if (replicas.length === 0) problems.push(`${where}: no replica`);
        for (const replica of replicas) {
          const replicaKey = isObject(replica.SSESpecification) ? replica.SSESpecification.KMSMasterKeyId : isObject(sse) ? sse.KMSMasterKeyId : undefined;
          const keyIssue = replicaKey === undefined ? undefined : keyProblem(resources, where, replicaKey);
          if (keyIssue) problems.push(keyIssue);
          const pitr = isObject(replica.PointInTimeRecoverySpecification) ? replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled : undefined;
          if (pitr !== true) problems.push(`${where}: point-in-time recovery ${show(pitr)}`);
          if (stage === 'prod' && replica.DeletionProtectionEnabled !== true) problems.push(`${where}: no deletion protection`);
        }
        if (stage === 'prod' && (table.DeletionPolicy !== 'Retain' || table.UpdateReplacePolicy !== 'Retain')) problems.push(`${where}: not retained (${table.DeletionPolicy}/${table.UpdateReplacePolicy})`);
      }
    }
    expect(tables.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    found.tables = { tables: tables.length, tableKey: 'aws/dynamodb, AWS managed, rotated yearly by AWS' };
  });

  test('every KMS key of the stack rotates', () => {
    const keys = ofType(dev, 'AWS::KMS::Key');
    expect(keys.filter(([, k]) => k.Properties.EnableKeyRotation !== true).map(([id]) => id)).toEqual([]);
    found.keys = { customerManagedKeys: keys.length };
  });

  test('every SNS topic of the stack and every SQS queue is encrypted and refuses publishing without TLS', () => {
    const problems: string[] = [];
    const policies = ofType(dev, 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy');
    const statementsFor = (listProperty: 'Topics' | 'Queues', ref: Json): Statement[] =>
      policies
        .filter(([, p]) => asList(p.Properties[listProperty]).some((t) => same(t, ref)))
        .flatMap(([, p]) => (isObject(p.Properties.PolicyDocument) ? asList(p.Properties.PolicyDocument.Statement as unknown as Statement[]) : []));
    const topics = ofType(dev, 'AWS::SNS::Topic');
    const deniedWithoutTls = new Set<string>();
    for (const [id, topic] of topics) {
      const keyIssue = keyProblem(dev, id, topic.Properties.KmsMasterKeyId);
      if (keyIssue) problems.push(keyIssue);
      const tls = statementsFor('Topics', { Ref: id }).filter((s) => deniesWithoutTls(s, ['sns:Publish'], { Ref: id }));
      if (tls.length === 0) problems.push(`${id}: no statement denying sns:Publish without TLS`);
      for (const action of tls.flatMap((s) => asList(s.Action))) deniedWithoutTls.add(action);
    }
    const queues = ofType(dev, 'AWS::SQS::Queue');
    for (const [id, queue] of queues) {
      if (queue.Properties.KmsMasterKeyId === undefined && queue.Properties.SqsManagedSseEnabled !== true) problems.push(`${id}: not encrypted`);
      if (!statementsFor('Queues', { Ref: id }).some((s) => deniesWithoutTls(s, ['sqs:SendMessage'], { 'Fn::GetAtt': [id, 'Arn'] }))) problems.push(`${id}: no statement denying sqs:* without TLS`);
    }
    expect(topics.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    found.stackTopics = { stackTopics: topics.length, stackTopicsDenyWithoutTls: [...deniedWithoutTls].sort().join(', '), queues: queues.length };
  });

  test('the tandem topics the provisioning function creates at run time are encrypted and refuse any use without TLS', () => {
    const topicArn = 'arn:aws:sns:eu-central-1:123456789012:Tandem360-dev-tandem-T001';
    const attributes = tandemTopicAttributes(topicArn);
    expect(attributes.KmsMasterKeyId).toBe('alias/aws/sns');
    const policy = JSON.parse(attributes.Policy ?? '{}') as { Statement?: Statement[] };
    const tls = asList(policy.Statement).filter((s) => deniesWithoutTls(s, ['sns:*'], topicArn));
    expect(tls.flatMap((s) => asList(s.Action))).toEqual(['sns:*']);
    // Nobody outside the account: every Allow names the account's root, never "*".
    expect(asList(policy.Statement).filter((s) => s.Effect === 'Allow' && !same(s.Principal, { AWS: 'arn:aws:iam::123456789012:root' }))).toEqual([]);
    found.tandemTopics = { tandemTopicKey: String(attributes.KmsMasterKeyId), tandemTopicsDenyWithoutTls: 'sns:*' };
  });

  test('every log group keeps its logs for a stated time in dev and prod, and no state machine logs execution data', () => {
    const prod = resourcesOf(prodSynthesis().template);
    const problems: string[] = [];
    const retention: Record<string, number[]> = {};
    for (const [stage, resources] of [['dev', dev], ['prod', prod]] as const) {
      for (const [id, group] of ofType(resources, 'AWS::Logs::LogGroup')) {
        const days = group.Properties.RetentionInDays;
        if (typeof days !== 'number' || days <= 0) problems.push(`${stage} ${id}: RetentionInDays ${show(days)}`);
        else retention[stage] = [...(retention[stage] ?? []), days];
      }
      for (const [id, machine] of ofType(resources, 'AWS::StepFunctions::StateMachine')) {
        const logging = machine.Properties.LoggingConfiguration;
        if (!isObject(logging) || logging.IncludeExecutionData !== false) problems.push(`${stage} ${id}: LoggingConfiguration ${show(logging)}`);
      }
    }
    const groups = ofType(dev, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    const range = (days: number[] = []) => `${Math.min(...days)}–${Math.max(...days)} days`;
    found.logs = {
      logGroups: groups.length,
      encryptedWithOwnKey: groups.filter(([, g]) => g.Properties.KmsKeyId !== undefined).length,
      devRetention: range(retention.dev),
      prodRetention: range(retention.prod),
      stateMachinesWithoutExecutionData: ofType(dev, 'AWS::StepFunctions::StateMachine').length,
    };
  });

  test('figure', () => {
    expect(Object.keys(found).sort()).toEqual(['keys', 'logs', 'stackTopics', 'tables', 'tandemTopics']);
    const { tables, keys, stackTopics, logs } = found;
    recordProof({
      id: '8-data-protection',
      point: 8,
      promise: 'Tables are encrypted with rotating keys, recoverable to a point in time and protected from deletion in prod; every topic is encrypted and refuses plain transport; every log keeps a stated retention and no workflow logs its data',
      load: 'the synthesized dev and prod templates, and the attributes the provisioning function creates each tandem topic with',
      result:
        `${tables!.tables} table: KMS (${tables!.tableKey}), point-in-time recovery, deletion protection and Retain in prod; ` +
        `${keys!.customerManagedKeys} customer managed key, rotation on; ${stackTopics!.stackTopics} stack topics encrypted, ${stackTopics!.stackTopicsDenyWithoutTls} denied without TLS; every tandem topic encrypted (aws/sns), sns:* denied without TLS; ${stackTopics!.queues} queues; ` +
        `${logs!.logGroups} log groups with retention (dev ${logs!.devRetention}, prod ${logs!.prodRetention}), ${logs!.encryptedWithOwnKey} with a key of ours (CloudWatch Logs encrypts at rest); ` +
        `${logs!.stateMachinesWithoutExecutionData} state machines log no execution data`,
      figures: { ...tables, ...keys, ...stackTopics, ...found.tandemTopics, ...logs },
    });
  });
});
