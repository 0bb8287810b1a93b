import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TandemFunction } from '../../lib/functions/tandem-function';
import { projectTempDir } from '../support/project-temp-dir';

let workdir: string;
let template: Template;
let app: App;

beforeAll(() => {
  workdir = projectTempDir('tandem-function'); // NodejsFunction wants entries under the project
  const entry = join(workdir, 'handler.ts');
  writeFileSync(entry, 'export const handler = async () => ({ ok: true });\n');
  app = new App({ outdir: join(workdir, 'out') });
  const stack = new Stack(app, 'FunctionTest');
  new TandemFunction(stack, 'Example', {
    entry,
    description: 'example',
    serviceName: 'example',
    invocation: { kind: 'sync', caller: 'a test' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  template = Template.fromStack(stack);
});

afterAll(() => rmSync(workdir, { recursive: true, force: true }));

test('runs on the latest Node.js runtime on ARM with tracing, JSON logs and more than the default memory and timeout', () => {
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Architectures: ['arm64'],
    TracingConfig: { Mode: 'Active' },
    LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    MemorySize: 512,
    Timeout: 10,
    Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'example' }) },
  });
});

test('logs go to a log group of its own with a retention', () => {
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
});

test('its role may write only to its own log group, and has no managed policy', () => {
  const roles = template.findResources('AWS::IAM::Role');
  for (const role of Object.values(roles)) expect((role.Properties as Record<string, unknown>).ManagedPolicyArns).toBeUndefined();
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const statements = policies.flatMap((p) => (p.Properties as { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } }).PolicyDocument.Statement);
  const logs = statements.find((s) => JSON.stringify(s.Action).includes('logs:PutLogEvents'))!;
  expect(logs.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ExampleLogs/), 'Arn'] });
  for (const s of statements) {
    if (s.Resource === '*') expect(s.Action).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
  }
});

test('passes cdk-nag AwsSolutions and Serverless with only the acknowledged X-Ray wildcard', () => {
  app.synth();
  const report = JSON.parse(readFileSync(join(workdir, 'out', 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
});
