import { join } from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SnsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { StoreApi } from '../api/store-api';
import { grantTableAccess } from '../functions/table-access';
import { TandemFunction } from '../functions/tandem-function';
import type { NotificationTopics } from '../notifications/notification-topics';

const FUNCTIONS_DIR = join(__dirname, '..', '..', 'functions');

export interface TandemDirectoryServiceProps {
  readonly table: TableV2;
  readonly api: StoreApi;
  readonly topics: NotificationTopics;
  readonly retainLogs?: boolean;
}

/** How provisioning consumes the table's stream: bounded retries, then the batch's description to ops. */
const PROVISIONING_STREAM = { batchSize: 100, retryAttempts: 3, maxRecordAgeHours: 24, batchingWindowSeconds: 1 } as const;

/**
 * The tandem directory (admin routes `PUT|GET /tandems/{territoryId}`,
 * `POST /tandems/{territoryId}/provisioning`) and the provisioning it drives:
 * ProvisionTandem consumes the table's stream for tandem items and keeps each
 * tandem's SNS topic and email subscriptions in step (docs/notifications.md).
 */
export class TandemDirectoryService extends Construct {
  public readonly functions: Readonly<Record<string, TandemFunction>>;

  constructor(scope: Construct, id: string, props: TandemDirectoryServiceProps) {
    super(scope, id);
    const { table, api, topics } = props;
    const functions: Record<string, TandemFunction> = {};
    const fn = (fnId: string, file: string, description: string, caller: string, access: { actions: string[]; partitions: string[] }, timeout = Duration.seconds(10)) => {
      const created = new TandemFunction(this, fnId, {
        entry: join(FUNCTIONS_DIR, file),
        description,
        serviceName: file.split('/')[0] ?? 'directory',
        timeout,
        environment: { TABLE_NAME: table.tableName, TANDEM_TOPIC_ARN_PREFIX: topics.tandemTopicArnPrefix },
        invocation: { kind: 'sync', caller },
        ...(props.retainLogs === undefined ? {} : { retainLogs: props.retainLogs }),
      });
      grantTableAccess(created.role, table, access);
      functions[fnId] = created;
      return created;
    };
    const provisioningAccess = { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], partitions: ['TERRITORY#'] };

    // ------------------------------------------------------------ provisioning from the stream
    const provision = fn(
      'ProvisionTandem',
      'notifications/provision-tandem.ts',
      "ProvisionTandem: keep a tandem's SNS topic and email subscriptions in step with the directory",
      'its DynamoDB stream event source mapping (bounded retries, then the ops alert topic)',
      provisioningAccess,
      // 100 tandems in turn, a handful of SNS calls each.
      Duration.minutes(5),
    );
    topics.grantProvisioning(provision.role);
    provision.fn.addEventSource(
      new DynamoEventSource(table, {
        // Changes from now on; the directory that exists when the mapping is created is provisioned in bulk
        // (invoke ProvisionTandem with {"territoryIds": [...]}, as npm start does), not from 24 h of stream history.
        startingPosition: StartingPosition.LATEST,
        batchSize: PROVISIONING_STREAM.batchSize,
        maxBatchingWindow: Duration.seconds(PROVISIONING_STREAM.batchingWindowSeconds),
        bisectBatchOnError: true,
        retryAttempts: PROVISIONING_STREAM.retryAttempts,
        maxRecordAge: Duration.hours(PROVISIONING_STREAM.maxRecordAgeHours),
        reportBatchItemFailures: true,
        onFailure: new SnsDlq(topics.opsAlerts),
        // Tandem items only (created, changed or deleted): everything else on the table is not the directory.
        filters: [FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: FilterRule.isEqual('TANDEM') as unknown } } } })],
      }),
    );

    // ------------------------------------------------------------ admin routes
    const tandem = api.api.root.addResource('tandems').addResource('{territoryId}');
    const pathParameter = { requestParameters: { 'method.request.path.territoryId': true } };
    const route = (fnId: string, file: string, description: string, access: { actions: string[]; partitions: string[] }) =>
      fn(fnId, file, description, `API Gateway (${description.split(':')[0] ?? fnId})`, access);

    const put = route('PutTandem', 'directory/put-tandem.ts', "PUT /tandems/{territoryId}: replace a tandem's directory entry", {
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      partitions: ['TERRITORY#', 'PERSON#'],
    });
    api.addAdminRoute(tandem, 'PUT', new LambdaIntegration(put.fn), pathParameter);

    const get = route('GetTandem', 'directory/get-tandem.ts', "GET /tandems/{territoryId}: a tandem's directory entry and its provisioning", {
      actions: ['dynamodb:GetItem'],
      partitions: ['TERRITORY#'],
    });
    api.addAdminRoute(tandem, 'GET', new LambdaIntegration(get.fn), pathParameter);

    const now = route('ProvisionTandemNow', 'directory/provision-tandem-now.ts', "POST /tandems/{territoryId}/provisioning: provision a tandem's SNS resources now", provisioningAccess);
    topics.grantProvisioning(now.role);
    api.addAdminRoute(tandem.addResource('provisioning'), 'POST', new LambdaIntegration(now.fn), pathParameter);

    // The on-failure destination is the ops topic, encrypted with the AWS-managed SNS key; CDK grants its
    // data-key actions on `key/*` because an alias's key ARN is unknown at synthesis.
    const provisionPolicy = provision.role.node.tryFindChild('DefaultPolicy');
    if (provisionPolicy) {
      for (const id of ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]']) {
        Validations.of(provisionPolicy).acknowledge({
          id,
          reason: 'Lambda sends a failed stream batch to the encrypted ops alert topic; the grant names the AWS-managed SNS key through its alias, whose key ARN is not known at synthesis.',
        });
      }
    }
    this.functions = functions;
  }
}
