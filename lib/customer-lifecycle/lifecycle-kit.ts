/**
 * What the customer lifecycle workflows (onboarding, special prices,
 * follow-ups) build their functions and state machines with, so each
 * workflow's construct says only what is its own: every function gets the
 * actions it uses on the partitions it touches; every state machine is
 * Standard, traced, logged without execution data, and its callback tasks can
 * be answered by the decision link (DecideTask) and by the steps that re-offer
 * a task.
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StoreApi } from '../api/store-api';
import { grantTableAccess, type TableAccess } from '../functions/table-access';
import { TandemFunction } from '../functions/tandem-function';
import type { NotificationTopics } from '../notifications/notification-topics';
import type { CustomerLifecycleSettings, CustomerRequestSettings } from '../stage-config';

const FUNCTIONS_DIR = join(__dirname, '..', '..', 'functions', 'customer-lifecycle');

export interface LifecycleFunctionSpec {
  /** The handler, relative to functions/customer-lifecycle. */
  readonly file: string;
  /** `METHOD /path: what it does` or `StepName: what it does`. */
  readonly description: string;
  readonly caller: string;
  readonly table: TableAccess;
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** Sends tandem SMS and email (and so renders decision links). */
  readonly messages?: boolean;
}

export interface LifecycleKitProps {
  readonly table: TableV2;
  readonly api: StoreApi;
  readonly topics: NotificationTopics;
  readonly settings: CustomerLifecycleSettings;
  /** SMS price cap, shared with the customer requests. */
  readonly requestSettings: Pick<CustomerRequestSettings, 'smsMaxPriceUsd'>;
  /** The base of decision links (the API's public URL). */
  readonly publicApiUrl: string;
  /** The role of the decision link's answer (POST /tasks/{ref}/decision): it wakes the callback tasks. */
  readonly taskAnswerRole: IRole;
  readonly retainLogs?: boolean;
}

export class LifecycleKit {
  constructor(public readonly props: LifecycleKitProps) {}

  get table(): TableV2 {
    return this.props.table;
  }

  get settings(): CustomerLifecycleSettings {
    return this.props.settings;
  }

  /** A Lambda function of the customer lifecycle, with least-privilege table access. */
  fn(scope: Construct, id: string, spec: LifecycleFunctionSpec): TandemFunction {
    const { table, topics } = this.props;
    const created = new TandemFunction(scope, id, {
      entry: join(FUNCTIONS_DIR, spec.file),
      description: spec.description,
      serviceName: 'customer-lifecycle',
      timeout: spec.timeout ?? Duration.seconds(20),
      environment: {
        TABLE_NAME: table.tableName,
        ...(spec.messages
          ? { TANDEM_TOPIC_ARN_PREFIX: topics.tandemTopicArnPrefix, DECISION_LINK_BASE: this.props.publicApiUrl, SMS_MAX_PRICE_USD: this.props.requestSettings.smsMaxPriceUsd }
          : {}),
        ...spec.environment,
      },
      invocation: { kind: 'sync', caller: spec.caller },
      ...(this.props.retainLogs === undefined ? {} : { retainLogs: this.props.retainLogs }),
    });
    grantTableAccess(created.role, table, spec.table);
    if (spec.messages) topics.grantTandemMessages(created.role);
    return created;
  }

  /**
   * A Standard state machine of the lifecycle. `answeredBy` are the functions
   * that complete its callback tasks besides the decision link (a step that
   * finds an answer stored between two phases).
   */
  stateMachine(
    scope: Construct,
    id: string,
    spec: { comment: string; definition: (states: Construct) => IChainable; timeout: Duration; steps: readonly IFunction[]; answeredBy?: readonly TandemFunction[] },
  ): StateMachine {
    const logs = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: this.props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const machine = new StateMachine(scope, id, {
      comment: spec.comment,
      stateMachineType: StateMachineType.STANDARD,
      // States in a scope of their own: their ids are the state names, which repeat the step functions' ids.
      definitionBody: DefinitionBody.fromChainable(spec.definition(new Construct(scope, `${id}States`))),
      // Execution data stays out of the logs: payloads may name customers.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      timeout: spec.timeout,
    });
    const answer = new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [machine.stateMachineArn] });
    // Separate policies, not the roles' default ones: no dependency cycle between the functions and the machine.
    new Policy(scope, `${id}TaskAnswers`, { roles: [this.props.taskAnswerRole, ...(spec.answeredBy ?? []).map((f) => f.role)], statements: [answer] });
    const machineDefaultPolicy = machine.role.node.tryFindChild('DefaultPolicy');
    if (machineDefaultPolicy) {
      Validations.of(machineDefaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Step Functions log delivery (logs:CreateLogDelivery etc.) and X-Ray tracing support no resource-level permissions.',
      });
      for (const step of spec.steps) {
        const logicalId = Stack.of(scope).resolve((step.node.defaultChild as CfnFunction).logicalId) as string;
        Validations.of(machineDefaultPolicy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          reason: 'The invoke grant of a step function covers its versions and aliases (ARN:*), as the LambdaInvoke task grants it; no other function.',
        });
      }
    }
    return machine;
  }
}
