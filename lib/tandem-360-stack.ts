import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { StoreApi } from './api/store-api';
import { CustomerLifecycleService } from './customer-lifecycle/customer-lifecycle-service';
import { CustomerRequestService } from './customer-request/customer-request-service';
import { TandemTable } from './data/tandem-table';
import { TandemDirectoryService } from './directory/tandem-directory-service';
import { NotificationTopics } from './notifications/notification-topics';
import type { StageConfig } from './stage-config';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { TandemFunction } from './functions/tandem-function';
import { OperationsMonitoring } from './operations/operations-monitoring';

export interface Tandem360StackProps extends StackProps {
  readonly config: StageConfig;
}

export class Tandem360Stack extends Stack {
  public readonly data: TandemTable;

  constructor(scope: Construct, id: string, props: Tandem360StackProps) {
    super(scope, id, props);
    this.data = new TandemTable(this, 'Data', { retainData: props.config.retainData });
    const storeApi = new StoreApi(this, 'StoreApi', { stageName: 'v1' });
    const topics = new NotificationTopics(this, 'Notifications');
    const customerRequests = new CustomerRequestService(this, 'CustomerRequests', {
      table: this.data.table,
      api: storeApi,
      topics,
      settings: props.config.customerRequests,
      retainLogs: props.config.retainData,
    });
    new CustomerLifecycleService(this, 'CustomerLifecycle', {
      table: this.data.table,
      api: storeApi,
      topics,
      settings: props.config.customerLifecycle,
      requestSettings: props.config.customerRequests,
      publicApiUrl: customerRequests.publicApiUrl,
      taskAnswerRole: customerRequests.functions.DecideTask!.role,
      ...(props.config.retainData === undefined ? {} : { retainLogs: props.config.retainData }),
    });
    new TandemDirectoryService(this, 'Directory', {
      table: this.data.table,
      api: storeApi,
      topics,
      ...(props.config.retainData === undefined ? {} : { retainLogs: props.config.retainData }),
    });
    // Everything that runs, found in the tree: a new workflow or function is watched without a change here.
    const stateMachines = this.node.findAll().filter((c): c is StateMachine => c instanceof StateMachine);
    const workflows = stateMachines.map((stateMachine) => ({ name: stateMachine.node.scope?.node.id ?? stateMachine.node.id, stateMachine }));
    const monitoring = new OperationsMonitoring(this, 'Operations', {
      workflows,
      functions: this.node.findAll().filter((c): c is TandemFunction => c instanceof TandemFunction),
      retainData: props.config.retainData,
      stage: props.config.stage,
      settings: props.config.operations,
      opsAlerts: topics.opsAlerts,
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'StoreApiUrl', { value: storeApi.api.url });
    // The API's callers assume these roles (docs/access-control.md).
    new CfnOutput(this, 'StoreSystemsRoleArn', { value: storeApi.storeSystemsRole.roleArn, description: 'Store systems assume this role to call the store routes' });
    new CfnOutput(this, 'DirectoryAdminRoleArn', { value: storeApi.directoryAdminRole.roleArn, description: 'Directory administrators assume this role to call the admin routes' });
    // Tools (ops/stage.ts: the smoke test, the `tandem` CLI) find a stage by these outputs: one `<Workflow>StateMachineArn` per workflow.
    for (const { name, stateMachine } of workflows) {
      new CfnOutput(this, `${name}StateMachineArn`, { value: stateMachine.stateMachineArn, description: `The ${name} workflow` });
    }
    new CfnOutput(this, 'OpsAlertsTopicArn', { value: topics.opsAlerts.topicArn });
    new CfnOutput(this, 'TandemTopicArnPrefix', { value: topics.tandemTopicArnPrefix });
    new CfnOutput(this, 'OpsAlarmTopicArn', { value: monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'OperationsDashboard', { value: monitoring.dashboard.dashboardName });
  }
}
