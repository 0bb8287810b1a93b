/**
 * Issue 8, point 6: an acknowledgement of a cdk-nag finding that no longer
 * matches any finding fails the synthesis (lib/security/acknowledgement-audit.ts),
 * and the product app synthesizes with no unacknowledged and no stale one.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AcknowledgementAudit } from '../../lib/security/acknowledgement-audit';
import { devCdkOut, readValidationReport } from '../support/infra-template';
import { projectTempDir } from '../support/project-temp-dir';

/** A stack with one topic that does not enforce TLS: AwsSolutions-SNS3 finds it (and nothing else does). */
function appWithTopic(acknowledge: readonly string[]): App {
  const app = new App({ outdir: projectTempDir('ack-audit') });
  const stack = new Stack(app, 'Audited');
  const topic = new Topic(stack, 'Topic');
  for (const id of acknowledge) Validations.of(topic).acknowledge({ id, reason: 'test' });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app), new AcknowledgementAudit(() => [new AwsSolutionsChecks(), new ServerlessChecks()]));
  return app;
}

test('an acknowledgement that matches a finding passes the synthesis', () => {
  expect(() => appWithTopic(['AwsSolutions-SNS3']).synth()).not.toThrow();
});

test('an unacknowledged finding fails the synthesis', () => {
  expect(() => appWithTopic([]).synth()).toThrow(/AwsSolutions-SNS3/);
});

test('an acknowledgement that matches no finding fails the synthesis, naming the rule and the construct', () => {
  expect(() => appWithTopic(['AwsSolutions-SNS3', 'AwsSolutions-SNS2']).synth()).toThrow(/AwsSolutions-SNS2 on Audited\/Topic matches no finding/);
});

test('the product app synthesized with no violation of the packs or the audit', () => {
  expect(readValidationReport(devCdkOut()).pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
});
