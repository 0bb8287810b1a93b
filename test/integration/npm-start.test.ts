/**
 * The README's main job, as a newcomer runs it: `npm start` comes up, prints
 * where everything is, replays the story, serves AWS-compatible endpoints, and stops cleanly on
 * Ctrl-C (SIGINT) with no process left behind. Run in memory on free ports so
 * it never touches a developer's .local-data/ or running instance.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, paginateListTopics, SNSClient } from '@aws-sdk/client-sns';
import { PROJECT_ROOT } from '../../lib/app';
import { LOCAL_AWS } from '../../local/runtime/contracts';
import { awsCli } from '../support/aws-cli';
import { eventually } from '../support/eventually';

interface Started {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startMain(args: readonly string[]): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--in-memory', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function exported(output: string, name: string): string {
  const value = new RegExp(`export ${name}=(\\S+)`).exec(output)?.[1];
  if (!value) throw new Error(`npm start did not print ${name}:\n${output}`);
  return value;
}

function javaProcessesOnPort(port: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`) && !/\sZ/.test(line));
}

test('npm start comes up, serves the endpoints it prints, and stops cleanly on SIGINT', async () => {
  const main = startMain(['--dynamodb-port=0', '--aws-port=0', '--api-port=0']);
  try {
    await eventually(() => main.output().includes('Ready. Press Ctrl-C to stop.') || main.child.exitCode !== null, {
      timeoutMs: 270_000,
      intervalMs: 200,
    });
    const output = main.output();
    expect(output).toContain('Ready. Press Ctrl-C to stop.');
    expect(output).toMatch(/territories\s+400 over 400 postcode ranges; 99,000 postcodes 01000–99999, 0 gaps, 0 overlaps/);
    // The story replays: the geese are reserved nearby, the chicken thighs sourced through the decision link.
    expect(output).toMatch(/Replaying the story .*: demo-\d+-geese RESERVED, demo-\d+-thighs SOURCED/);
    // By day the SMS goes at once; in the quiet hours (20:00–07:00 Berlin) it is shown as held.
    expect(output).toMatch(/SMS {3}→ .*: Reserviert: 10 Stk Gans|SMS {3}⏸ .*: reserved, held for the quiet hours until/);
    expect(output).toMatch(/The same link again → 410/);
    // The customer lifecycle replays: a special price approved by the link, a new customer handed over early.
    expect(output).toMatch(/Replaying the customer lifecycle.*: C000475 price \d+\.\d\d, C\d{6} handed-over/);
    expect(output).toMatch(/Recorded for the customer: FIS-0002 at \d+\.\d\d € from \d{4}-\d\d-\d\d until \d{4}-\d\d-\d\d/);
    expect(output).toMatch(/Customer C\d{6}: status handed-over, owner inside/);

    const awsEndpoint = exported(output, 'AWS_ENDPOINT_URL_SFN');
    const dynamoDbEndpoint = exported(output, 'AWS_ENDPOINT_URL_DYNAMODB');
    expect(exported(output, 'AWS_ENDPOINT_URL_SNS')).toBe(awsEndpoint);
    const config = { region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials };

    const tables = await new DynamoDBClient({ ...config, endpoint: dynamoDbEndpoint }).send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([expect.stringMatching(/^Tandem360-dev-DataTable/)]);
    const machines = await new SFNClient({ ...config, endpoint: awsEndpoint }).send(new ListStateMachinesCommand({}));
    expect(Array.isArray(machines.stateMachines)).toBe(true);
    const sns = new SNSClient({ ...config, endpoint: awsEndpoint });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'npm-start-check' }));
    const topics: string[] = [];
    for await (const page of paginateListTopics({ client: sns }, {})) topics.push(...(page.Topics ?? []).map((t) => t.TopicArn ?? ''));
    expect(topics).toContain(TopicArn);
    // Provisioning made one topic per seeded tandem, and printed the count against the quotas.
    expect(topics.filter((t) => /:Tandem360-dev-tandem-T\d{3}$/.test(t))).toHaveLength(400);
    expect(output).toMatch(/topics \(per account\) +400 +of 100,000 +ok/);
    expect(output).toMatch(/filter policies, most on one topic +2 +of 200 +ok/);
    expect(output).toMatch(/outbox \(SMS, email\) +http:\/\/127\.0\.0\.1:\d+\/_local\/outbox/);

    // The operations console is served where it says, and its JSON has the story's two requests' executions.
    const consoleUrl = /operations console +(http:\/\/127\.0\.0\.1:\d+\/_local\/console)/.exec(output)?.[1];
    expect(consoleUrl).toBeDefined();
    const page = await fetch(consoleUrl!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('/_local/console/assets/main.js');
    const story = [...output.matchAll(/(demo-\d+-(?:geese|thighs)) (RESERVED|SOURCED)/g)].map((m) => m[1]);
    const overview = (await (await fetch(`${consoleUrl}/api/overview?q=demo-`)).json()) as { executions: { requestId?: string; workflowId: string }[] };
    expect(overview.executions.filter((e) => e.workflowId === 'CustomerRequestsWorkflow').map((e) => e.requestId).sort()).toEqual([...new Set(story)].sort());

    const cli = await awsCli(awsEndpoint, ['sns', 'list-topics']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('npm-start-check');

    main.child.kill('SIGINT');
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('Stopped; no process left running.');
    const dynamoDbPort = new URL(dynamoDbEndpoint).port;
    expect(javaProcessesOnPort(dynamoDbPort)).toEqual([]);
  } finally {
    if (main.child.exitCode === null) main.child.kill('SIGKILL');
  }
  // Synthesis, the in-memory seed (23,000 items) and the story take about 80 s on 2 idle cores; more when the machine is busy.
}, 300_000);

test('a port that is taken gives a clear error naming it, and nothing is left running', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as AddressInfo;
  try {
    const main = startMain(['--dynamodb-port=0', `--aws-port=${port}`, '--api-port=0']);
    expect(await main.exited).toBe(1);
    expect(main.output()).toContain(`port ${port} on 127.0.0.1 is already in use`);
    const dynamoDbPort = /Starting DynamoDB Local: http:\/\/127\.0\.0\.1:(\d+)/.exec(main.output())?.[1];
    expect(dynamoDbPort).toBeDefined();
    expect(javaProcessesOnPort(dynamoDbPort!)).toEqual([]);
  } finally {
    blocker.close();
  }
});

test('an unknown option is refused with the usage text, before anything starts', async () => {
  const main = startMain(['--dynamodb-prot=8000']);
  expect(await main.exited).toBe(1);
  expect(main.output()).toContain('unknown option --dynamodb-prot=8000');
  expect(main.output()).toContain('Usage: npm start -- [options]');
  expect(main.output()).not.toContain('Synthesizing');
});
