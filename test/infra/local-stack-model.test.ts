/**
 * The local runtime's view of a synthesized stack (the fixture, which uses
 * every resource kind the runtime serves): nothing keyed to names, every
 * intrinsic resolved.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackModel } from '../../local/template/stack-model';
import type { LocalStackModel } from '../../local/runtime/contracts';
import { FIXTURE_OPS_EMAIL, FIXTURE_STACK_NAME, synthesizeFixture } from '../fixtures/runtime-fixture/stack';
import { projectTempDir } from '../support/project-temp-dir';

let outdir: string;
let model: LocalStackModel;

beforeAll(() => {
  outdir = projectTempDir('stack-model');
  synthesizeFixture(outdir);
  model = loadStackModel(outdir, FIXTURE_STACK_NAME);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('a Lambda function points at its bundled code and carries its template environment, resolved', () => {
  const [worker] = model.functions;
  expect(model.functions).toHaveLength(1);
  expect(existsSync(join(worker!.codeDir, 'index.js'))).toBe(true);
  expect(worker).toMatchObject({ handler: 'index.handler', runtime: 'nodejs24.x', timeoutSeconds: 10 });
  expect(worker!.environment).toEqual({ TABLE_NAME: model.tables[0]!.tableName, GREETING: 'hello from the template' });
});

test('state machine definitions are complete JSON with every ARN resolved to a local one', () => {
  expect(model.stateMachines.map((m) => m.type)).toEqual(['STANDARD', 'STANDARD']);
  const main = model.stateMachines.find((m) => m.logicalId.startsWith('MainFlow'))!;
  const text = JSON.stringify(main.definition);
  expect(text).not.toMatch(/Fn::|"Ref"/);
  expect(text).toContain(model.functions[0]!.arn);
  expect(text).toContain(`"TableName":"${model.tables[0]!.tableName}"`);
  expect(text).toContain(`"TopicArn":"${model.topics[0]!.arn}"`);
  expect(text).toContain('arn:aws:states:::sns:publish.waitForTaskToken');
});

test('subscriptions keep their protocol, endpoint and filter policy', () => {
  expect(model.subscriptions.map((s) => [s.protocol, s.endpoint, s.filterPolicy])).toEqual(
    expect.arrayContaining([
      ['email', FIXTURE_OPS_EMAIL, { severity: ['high'] }],
      ['sms', '+493023125999', undefined],
    ]),
  );
  expect(model.subscriptions.every((s) => s.topicArn === model.topics[0]!.arn)).toBe(true);
});

test('REST routes are the full resource paths with their method, authorization and target function', () => {
  const [api] = model.apis;
  expect(api!.stageName).toBe('v1');
  expect(api!.routes).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ method: 'POST', path: '/items', authorization: 'AWS_IAM', functionArn: model.functions[0]!.arn }),
      expect.objectContaining({ method: 'GET', path: '/items-open/{id}', authorization: 'NONE', functionArn: model.functions[0]!.arn }),
    ]),
  );
});
