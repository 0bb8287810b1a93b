import { Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Actions provisioning needs on the tandem topics and their subscriptions, and nothing else. */
export const PROVISIONING_ACTIONS = [
  'sns:CreateTopic',
  'sns:DeleteTopic',
  'sns:GetTopicAttributes',
  'sns:ListSubscriptionsByTopic',
  'sns:Subscribe',
  'sns:Unsubscribe',
  'sns:GetSubscriptionAttributes',
  'sns:SetSubscriptionAttributes',
] as const;

/**
 * The SNS side of notifications. The ops alert topic (failed workflows,
 * failed stream batches) is a stack resource. The tandems' email topics are
 * not: one per tandem, created at run time by provisioning from the directory
 * (functions/notifications, docs/notifications.md), because 400 topics would
 * not fit a stack; they share the ARN prefix `tandemTopicArnPrefix`, which is
 * what IAM grants name. SMS go straight to phone numbers and need no topic.
 */
export class NotificationTopics extends Construct {
  public readonly opsAlerts: Topic;
  /** `arn:<partition>:sns:<region>:<account>:<stack>-tandem-`; a tandem's topic is this plus its territory id. */
  public readonly tandemTopicArnPrefix: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The AWS-managed SNS key: encryption at rest without a key to administer.
    const masterKey = Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.opsAlerts = new Topic(this, 'OpsAlerts', { displayName: 'Tandem 360 ops alerts', masterKey, enforceSSL: true });
    this.tandemTopicArnPrefix = Stack.of(this).formatArn({ service: 'sns', resource: `${Stack.of(this).stackName}-tandem-` });
  }

  /**
   * May send the tandem's email and SMS: publish to the tandem topics, and to
   * phone numbers — SMS to a number has no resource ARN, so the statement allows
   * every resource that is NOT a topic, which is exactly the phone numbers.
   */
  grantTandemMessages(grantee: IGrantable): void {
    // Not grantPublish: it would add KMS actions on every key; the AWS-managed SNS key's own policy lets SNS use it.
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: [`${this.tandemTopicArnPrefix}*`] }));
    this.acknowledgeTandemTopicPattern(grantee, 'Publishes email to');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sns:Publish'],
        notResources: [Stack.of(this).formatArn({ service: 'sns', region: '*', account: '*', resource: '*' })],
      }),
    );
    // Checked before every SMS; the action has no resource type, so "*" is its only resource.
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:CheckIfPhoneNumberIsOptedOut'], resources: ['*'] }));
  }

  /** May create, inspect and remove the tandem topics and their subscriptions (the prefix, nothing else). */
  grantProvisioning(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...PROVISIONING_ACTIONS], resources: [`${this.tandemTopicArnPrefix}*`] }));
    this.acknowledgeTandemTopicPattern(grantee, 'Creates, inspects and removes');
  }

  /** cdk-nag reports the prefix pattern as a wildcard resource; it is one on purpose, acknowledged where it is granted. */
  private acknowledgeTandemTopicPattern(grantee: IGrantable, what: string): void {
    const policy = grantee.grantPrincipal instanceof Construct ? grantee.grantPrincipal.node.tryFindChild('DefaultPolicy') : undefined;
    if (!policy) return;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:${Stack.of(this).stackName}-tandem-*]`,
      reason: `${what} the tandem topics, created at run time one per territory (docs/notifications.md); the pattern is this stack's own topic prefix and matches no other topic.`,
    });
  }
}
