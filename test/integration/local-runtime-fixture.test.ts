/**
 * The local cloud runs a synthesized stack end to end: the fixture stack
 * (test/fixtures/runtime-fixture) driven only through the AWS SDK clients and
 * signed HTTP, exactly as deployed code would drive AWS.
 */
import { rmSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LOCAL_AWS } from '../../local/runtime/contracts';
import { startLocalCloud, type LocalCloud } from '../../local/runtime/local-cloud';
import { FIXTURE_OPS_EMAIL, FIXTURE_OPS_PHONE, FIXTURE_STACK_NAME, synthesizeFixture } from '../fixtures/runtime-fixture/stack';
import { projectTempDir } from '../support/project-temp-dir';
import { testEnv } from '../support/test-env';
import { eventually } from '../support/eventually';
import { awsCli } from '../support/aws-cli';

let outdir: string;
let cloud: LocalCloud;
let sfn: SFNClient;
let sns: SNSClient;
let mainFlowArn: string;

beforeAll(async () => {
  outdir = projectTempDir('local-cloud');
  synthesizeFixture(outdir);
  // 1 declared hour of Wait or retry pause lasts 0.36 s here.
  cloud = await startLocalCloud({
    outdir,
    stackName: FIXTURE_STACK_NAME,
    dynamoDbEndpoint: testEnv('dynamoDbEndpoint'),
    timeScale: 0.0001,
  });
  const clientConfig = { endpoint: cloud.awsEndpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials };
  sfn = new SFNClient(clientConfig);
  sns = new SNSClient(clientConfig);
  const machines = await sfn.send(new ListStateMachinesCommand({}));
  mainFlowArn = machines.stateMachines!.find((m) => m.name!.includes('MainFlow'))!.stateMachineArn!;
});

afterAll(async () => {
  sfn?.destroy();
  sns?.destroy();
  await cloud?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

const runInput = (runId: string) => ({
  kind: 'items',
  runId,
  summary: `run ${runId} processed`,
  severity: 'high',
  items: [
    { value: 1, failTimes: 2, attemptKey: `${runId}-a` },
    { value: 20, failTimes: 0, attemptKey: `${runId}-b` },
  ],
});

/** Answers the callback of the `nth` run (1-based) with this run id; a task token is single-use. */
async function approveWhenAsked(runId: string, nth = 1): Promise<void> {
  const message = await eventually(
    () => cloud.sns.outbox({ channel: 'sms' }).filter((r) => r.body.includes(`"run":"${runId}"`))[nth - 1],
  );
  const { token } = JSON.parse(message.body) as { token: string };
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'ops' }) }));
}

async function finished(executionArn: string) {
  return eventually(async () => {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return out.status === 'RUNNING' ? undefined : out;
  });
}

describe('the fixture stack in the local cloud', () => {
  test('a full run: retried Lambda tasks in a Map, a conditional write, a filtered publish, a callback, a compressed one-hour Wait and a child execution', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'run-1', input: JSON.stringify(runInput('run-1')) }),
    );
    await approveWhenAsked('run-1');
    const result = await finished(started.executionArn!);

    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as Record<string, unknown>;
    expect(output.doubled).toEqual([{ doubled: 2 }, { doubled: 40 }]); // item a failed twice, then succeeded
    expect(output.approval).toEqual({ approvedBy: 'ops' });
    expect(output.child).toMatchObject({ output: { child: 'run-1' } });
    expect(output.duplicate).toBeUndefined();

    // the conditional write happened, with the execution's id
    const record = await cloud.tableContext().doc.send(
      new GetCommand({ TableName: cloud.tableContext().tableName, Key: { pk: 'RUN#run-1', sk: 'RUN' } }),
    );
    expect(record.Item?.execution).toBe(started.executionArn);

    // severity=high reaches the filtered email subscription and the SMS one; the callback (severity=low) only the SMS
    const deliveries = cloud.sns.outbox().filter((r) => r.body.includes('run-1'));
    expect(deliveries.map((d) => [d.channel, d.endpoint]).sort()).toEqual(
      [
        ['email', FIXTURE_OPS_EMAIL],
        ['sms', FIXTURE_OPS_PHONE],
        ['sms', FIXTURE_OPS_PHONE],
      ].sort(),
    );
  });

  test('the execution history records the path taken, retries included', async () => {
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: mainFlowArn, statusFilter: 'SUCCEEDED' }));
    const run = executions.executions!.find((e) => e.name === 'run-1')!;
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: run.executionArn!, maxResults: 1000 }));
    const types = history.events!.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    const entered = history.events!.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
    expect(entered).toEqual(expect.arrayContaining(['RouteByKind', 'ProcessItems', 'RecordOnce', 'NotifyOps', 'AwaitApproval', 'PauseOneHour', 'StartChild']));
    expect(entered).not.toContain('UnknownKind');
    // item a failed twice before it succeeded; each failure is in the history
    const failures = history.events!.filter((e) => e.type === 'LambdaFunctionFailed');
    expect(failures.map((e) => e.lambdaFunctionFailedEventDetails?.error)).toEqual(['Flaky', 'Flaky']);
  });

  test('a second run with the same run id takes the catch of the conditional write by its error name', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'run-1-again', input: JSON.stringify(runInput('run-1')) }),
    );
    await approveWhenAsked('run-1', 2);
    const result = await finished(started.executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!) as { duplicate?: boolean; recordError?: { Error: string } };
    expect(output.duplicate).toBe(true);
    expect(output.recordError?.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });

  test("starting a running execution's name again with the same input returns it and runs nothing twice", async () => {
    const input = JSON.stringify(runInput('once'));
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'once', input }));
    await eventually(() => cloud.sns.outbox({ channel: 'sms' }).find((r) => r.body.includes('"run":"once"')));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'once', input }));
    expect(second.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'once', input: '{"kind":"other"}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

    await approveWhenAsked('once');
    expect((await finished(first.executionArn!)).status).toBe('SUCCEEDED');
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: mainFlowArn }));
    expect(all.executions!.filter((e) => e.name === 'once')).toHaveLength(1);
    // one callback SMS, one approval: the second start did not run the flow again
    expect(cloud.sns.outbox({ channel: 'sms' }).filter((r) => r.body.includes('"run":"once"'))).toHaveLength(1);
    // a finished execution's name cannot be reused, whatever the input
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'once', input }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  test('a failing execution shows its error and cause', async () => {
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: mainFlowArn, name: 'bad-kind', input: '{"kind":"other"}' }),
    );
    const result = await finished(started.executionArn!);
    expect(result).toMatchObject({ status: 'FAILED', error: 'UnknownKind', cause: 'kind must be items' });
  });

  test('the SNS endpoint serves the template topic and its subscriptions', async () => {
    const topicArn = cloud.model.topics[0]!.arn;
    const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(subs.Subscriptions!.map((s) => s.Protocol).sort()).toEqual(['email', 'sms']);
    const published = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'low noise', MessageAttributes: { severity: { DataType: 'String', StringValue: 'low' } } }),
    );
    const delivered = cloud.sns.outbox({ messageId: published.MessageId! });
    expect(delivered.map((d) => d.channel)).toEqual(['sms']);
  });

  describe('through the AWS CLI v2, as AWS would answer', () => {
    test('list-executions with a status filter lists the finished run', async () => {
      const out = await awsCli(cloud.awsEndpoint, ['stepfunctions', 'list-executions', '--state-machine-arn', mainFlowArn, '--status-filter', 'SUCCEEDED']);
      expect(out.code).toBe(0);
      const names = (JSON.parse(out.stdout) as { executions: { name: string; status: string }[] }).executions.map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(['run-1', 'run-1-again']));
      expect(names).not.toContain('bad-kind');
    });

    test('describe-execution of an unknown execution fails with ExecutionDoesNotExist', async () => {
      const unknown = mainFlowArn.replace(':stateMachine:', ':execution:') + ':never-started';
      const out = await awsCli(cloud.awsEndpoint, ['stepfunctions', 'describe-execution', '--execution-arn', unknown]);
      expect(out.code).toBe(254);
      expect(out.stderr).toContain('(ExecutionDoesNotExist)');
    });

    test('send-task-success with a token that does not exist fails with TaskDoesNotExist', async () => {
      const out = await awsCli(cloud.awsEndpoint, ['stepfunctions', 'send-task-success', '--task-token', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '--task-output', '{}']);
      expect(out.code).toBe(254);
      expect(out.stderr).toMatch(/\((TaskDoesNotExist|InvalidToken)\)/);
    });

    test('sns publish delivers to the subscriptions the filter policy lets through', async () => {
      const topicArn = cloud.model.topics[0]!.arn;
      const out = await awsCli(cloud.awsEndpoint, [
        'sns', 'publish', '--topic-arn', topicArn, '--message', 'from the CLI',
        '--message-attributes', '{"severity":{"DataType":"String","StringValue":"high"}}',
      ]);
      expect(out.code).toBe(0);
      const { MessageId } = JSON.parse(out.stdout) as { MessageId: string };
      expect(cloud.sns.outbox({ messageId: MessageId }).map((d) => d.channel).sort()).toEqual(['email', 'sms']);
    });
  });
});
