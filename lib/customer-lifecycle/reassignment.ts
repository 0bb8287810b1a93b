import { Duration, Validations } from 'aws-cdk-lib';
import { LambdaIntegration, type IResource } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SnsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { INDEX } from '../../functions/repository/table-layout';
import type { TandemFunction } from '../functions/tandem-function';
import type { NotificationTopics } from '../notifications/notification-topics';
import type { LifecycleKit } from './lifecycle-kit';

export interface ReassignmentProps {
  readonly kit: LifecycleKit;
  readonly topics: NotificationTopics;
  /** The API's root, for `POST /reassignments`. */
  readonly root: IResource;
}

/** What re-targeting reads and writes: the customers and their tasks, the links, the tandems and people, the notification log. */
const RETARGET_PARTITIONS = ['CUSTOMER#', 'DECISIONREF#', 'TERRITORY#', 'PERSON#', 'PRODUCT#'];

/**
 * Territory reassignment (issue 6, item 4): `POST /reassignments` moves
 * customers or a postcode range to another territory; RetargetReplacedPeople
 * follows the table's stream and moves the waiting tasks of a person replaced
 * in a tandem. Either way, waiting tasks go to the new person with new links.
 */
export class Reassignment extends Construct {
  public readonly functions: Readonly<Record<string, TandemFunction>>;

  constructor(scope: Construct, id: string, props: ReassignmentProps) {
    super(scope, id);
    const { kit, topics } = props;
    const customersByTerritory = (fn: TandemFunction) =>
      fn.role.addToPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${kit.table.tableArn}/index/${INDEX.byParent}`],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TERRITORY#*'] } },
        }),
      );

    const reassign = kit.fn(this, 'ReassignCustomers', {
      file: 'reassignment/reassign-customers.ts',
      description: 'POST /reassignments: move customers or a postcode range to another territory; their waiting tasks follow',
      caller: 'API Gateway (POST /reassignments)',
      // Within API Gateway's 29 s for up to 100 customers.
      timeout: Duration.seconds(28),
      messages: true,
      table: {
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: [...RETARGET_PARTITIONS, 'REASSIGNMENT#', 'POSTREGION#'],
      },
    });
    customersByTerritory(reassign);
    kit.props.api.addAdminRoute(props.root.addResource('reassignments'), 'POST', new LambdaIntegration(reassign.fn));

    const retarget = kit.fn(this, 'RetargetReplacedPeople', {
      file: 'reassignment/retarget-replaced-people.ts',
      description: "RetargetReplacedPeople: a person replaced in a tandem hands the customers' waiting tasks to the successor",
      caller: 'its DynamoDB stream event source mapping (bounded retries, then the ops alert topic)',
      timeout: Duration.minutes(2),
      messages: true,
      table: { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: RETARGET_PARTITIONS },
    });
    customersByTerritory(retarget);
    retarget.fn.addEventSource(
      new DynamoEventSource(kit.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SnsDlq(topics.opsAlerts),
        // Changed tandem items only: a replaced person is a MODIFY of the territory's TANDEM item.
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('MODIFY') as unknown, dynamodb: { Keys: { sk: { S: FilterRule.isEqual('TANDEM') as unknown } } } })],
      }),
    );
    const retargetPolicy = retarget.role.node.tryFindChild('DefaultPolicy');
    if (retargetPolicy) {
      for (const ackId of ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]']) {
        Validations.of(retargetPolicy).acknowledge({
          id: ackId,
          reason: 'Lambda sends a failed stream batch to the encrypted ops alert topic; the grant names the AWS-managed SNS key through its alias, whose key ARN is not known at synthesis.',
        });
      }
    }
    this.functions = { ReassignCustomers: reassign, RetargetReplacedPeople: retarget };
  }
}
