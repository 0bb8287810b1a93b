import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The SNS side of notifications: the topic tandem emails go through (its
 * per-person subscriptions are provisioned from the directory at run time,
 * issue 5) and the ops alert topic failed workflows publish to. SMS go straight
 * to phone numbers and need no topic. Both topics are encrypted and refuse
 * unencrypted transport.
 */
export class NotificationTopics extends Construct {
  public readonly tandemEmail: Topic;
  public readonly opsAlerts: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The AWS-managed SNS key: encryption at rest without a key to administer.
    const masterKey = Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.tandemEmail = new Topic(this, 'TandemEmail', { displayName: 'Tandem 360', masterKey, enforceSSL: true });
    this.opsAlerts = new Topic(this, 'OpsAlerts', { displayName: 'Tandem 360 ops alerts', masterKey, enforceSSL: true });
  }

  /**
   * May send the tandem's email and SMS: publish to the email topic, and to
   * phone numbers — SMS to a number has no resource ARN, so the statement allows
   * every resource that is NOT a topic, which is exactly the phone numbers.
   */
  grantTandemMessages(grantee: IGrantable): void {
    // Not grantPublish: it would add KMS actions on every key; the AWS-managed SNS key's own policy lets SNS use it.
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sns:Publish'], resources: [this.tandemEmail.topicArn] }));
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
}
