import { join } from 'node:path';
import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { customerRequestDefinition, type CustomerRequestSteps } from '../../workflows/customer-request';
import type { StoreApi } from '../api/store-api';
import { grantTableAccess, type TableAccess } from '../functions/table-access';
import { TandemFunction } from '../functions/tandem-function';
import type { NotificationTopics } from '../notifications/notification-topics';
import type { CustomerRequestSettings } from '../stage-config';

const FUNCTIONS_DIR = join(__dirname, '..', '..', 'functions', 'customer-request');

export interface CustomerRequestServiceProps {
  readonly table: TableV2;
  readonly api: StoreApi;
  readonly topics: NotificationTopics;
  readonly settings: CustomerRequestSettings;
  readonly retainLogs?: boolean;
}

/**
 * The customer-request capability: the CustomerRequest workflow (a Standard
 * state machine, workflows/customer-request.ts) with a function per step —
 * FulfilRequest does the whole automated path in one (docs/cost.md) — and
 * the store API's routes — submit a request, read it, feed stock, answer a
 * decision. Every function gets the actions it uses on the partitions it
 * touches, nothing more.
 */
export class CustomerRequestService extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly stateMachineLogs: LogGroup;
  public readonly functions: Readonly<Record<string, TandemFunction>>;
  /** The API's public URL: decision links start with it. */
  public readonly publicApiUrl: string;

  constructor(scope: Construct, id: string, props: CustomerRequestServiceProps) {
    super(scope, id);
    const { table, api, topics, settings } = props;
    const functions: Record<string, TandemFunction> = {};
    // Built from the API id and the stage name, not the stage resource: the stage depends on the
    // methods, which depend on these functions, so referencing it would be a cycle.
    const publicApiUrl = (this.publicApiUrl = Fn.join('', ['https://', api.api.restApiId, '.execute-api.', Aws.REGION, '.', Aws.URL_SUFFIX, `/${api.stageName}`]));

    const fn = (fnId: string, spec: FunctionSpec): TandemFunction => {
      const created = new TandemFunction(this, fnId, {
        entry: join(FUNCTIONS_DIR, spec.file),
        description: spec.description,
        serviceName: 'customer-request',
        timeout: spec.timeout ?? Duration.seconds(20),
        environment: { TABLE_NAME: table.tableName, ...spec.environment },
        invocation: { kind: 'sync', caller: spec.caller },
        ...(props.retainLogs === undefined ? {} : { retainLogs: props.retainLogs }),
      });
      grantTableAccess(created.role, table, spec.table);
      if (spec.messages) topics.grantTandemMessages(created.role);
      functions[fnId] = created;
      return created;
    };

    // ------------------------------------------------------------ workflow steps
    const step = (fnId: string, file: string, description: string, access: TableAccess, extra: Partial<FunctionSpec> = {}) =>
      fn(fnId, { file, description, table: access, caller: 'the CustomerRequest state machine', ...extra }).fn;
    const messaging = {
      messages: true,
      environment: { TANDEM_TOPIC_ARN_PREFIX: topics.tandemTopicArnPrefix, DECISION_LINK_BASE: publicApiUrl, SMS_MAX_PRICE_USD: settings.smsMaxPriceUsd },
    };
    const steps: CustomerRequestSteps = {
      // Routing, stock check, reservation, conclusion and notification (functions/customer-request/fulfil-request.ts).
      fulfilRequest: step('FulfilRequest', 'fulfil-request.ts', 'FulfilRequest: route, check stock, hold it; when all is held conclude and tell the tandem', {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
        partitions: ['REQUEST#', 'CUSTOMER#', 'TERRITORY#', 'POSTREGION#', 'STORE#', 'PRODUCT#', 'PERSON#'],
      }, {
        ...messaging,
        environment: {
          ...messaging.environment,
          CANDIDATE_STORES: String(settings.candidateStores),
          RESERVATION_GRACE_HOURS: String(settings.reservationGraceHours),
        },
      }),
      planEscalation: step('PlanEscalation', 'plan-escalation.ts', 'PlanEscalation: deadlines, references and waiting products of a decision', {
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
        partitions: ['REQUEST#', 'PRODUCT#'],
      }, { environment: { SLA_MINUTES: String(settings.slaMinutes), WARNING_FRACTION: String(settings.warningFraction) } }),
      offerDecision: step('OfferDecision', 'offer-decision.ts', 'AwaitInsideDecision / RemindInsideManager / HandOverToFieldManager: offer the decision task', {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: ['REQUEST#', 'DECISIONREF#', 'CUSTOMER#', 'TERRITORY#', 'PRODUCT#', 'STORE#', 'PERSON#'],
      }, messaging),
      expireDecision: step('ExpireDecision', 'expire-decision.ts', 'ExpireDecision: close the last decision reference, or take its late answer', {
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        partitions: ['DECISIONREF#'],
      }),
      reserveDecidedStock: step('ReserveDecidedStock', 'reserve-decided.ts', 'ReserveDecidedStock: hold what a decision sourced', {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: ['STORE#', 'REQUEST#', 'PRODUCT#'],
      }, { environment: { RESERVATION_GRACE_HOURS: String(settings.reservationGraceHours), CANDIDATE_STORES: String(settings.candidateStores) } }),
      concludeRequest: step('ConcludeRequest', 'conclude-request.ts', 'ConcludeRequest: the final status from what is held and decided; tell the tandem', {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
        partitions: ['REQUEST#', 'CUSTOMER#', 'TERRITORY#', 'PRODUCT#', 'STORE#', 'PERSON#'],
      }, messaging),
      notifyTandem: step('NotifyTandem', 'notify-tandem.ts', 'NotifyTandem (SendHeldSms): send the SMS held for quiet hours', {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: ['REQUEST#', 'CUSTOMER#', 'TERRITORY#', 'PRODUCT#', 'STORE#', 'PERSON#'],
      }, messaging),
      releaseLapsedHolds: step('ReleaseLapsedHolds', 'release-lapsed-holds.ts', 'ReleaseLapsedHolds: return held stock after needed-by plus grace', {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: ['REQUEST#', 'STORE#'],
      }),
    };

    this.stateMachineLogs = new LogGroup(this, 'WorkflowLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'Workflow', {
      comment: 'CustomerRequest: fulfil (route, check stock, reserve, conclude, notify), or escalate to the tandem',
      stateMachineType: StateMachineType.STANDARD,
      // States in a scope of their own: their ids are the state names, which repeat the step functions' ids.
      definitionBody: DefinitionBody.fromChainable(customerRequestDefinition(new Construct(this, 'States'), { steps, table, opsAlerts: topics.opsAlerts })),
      // Execution data stays out of the logs: payloads may name customers.
      logs: { destination: this.stateMachineLogs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      // The longest legitimate run: needed-by at most 60 days ahead, plus the grace period.
      timeout: Duration.days(62),
    });
    // Callback answers come from OfferDecision itself when a decision arrived between two phases. A separate
    // policy, not the role's default one: the function does not wait for it, so there is no dependency cycle.
    new Policy(this, 'OfferDecisionTaskResponse', {
      roles: [functions.OfferDecision!.role],
      statements: [new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.stateMachine.stateMachineArn] })],
    });
    const machineDefaultPolicy = this.stateMachine.role.node.tryFindChild('DefaultPolicy');
    if (machineDefaultPolicy) {
      Validations.of(machineDefaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Step Functions log delivery (logs:CreateLogDelivery etc.) and X-Ray tracing support no resource-level permissions.',
      });
      for (const stepFunction of Object.values(steps) as IFunction[]) {
        const logicalId = Stack.of(this).resolve((stepFunction.node.defaultChild as CfnFunction).logicalId) as string;
        Validations.of(machineDefaultPolicy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          reason: 'The invoke grant of a step function covers its versions and aliases (ARN:*), as the LambdaInvoke task grants it; no other function.',
        });
      }
    }

    // ------------------------------------------------------------ store API
    const route = (fnId: string, spec: Omit<FunctionSpec, 'caller'>) =>
      fn(fnId, { ...spec, caller: `API Gateway (${spec.description.split(':')[0]})` });
    const requests = api.api.root.addResource('requests');

    const submitRequest = route('SubmitRequest', {
      file: 'submit-request.ts',
      description: 'POST /requests: register a customer request once and start its workflow',
      table: { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem'], partitions: ['REQUEST#', 'CUSTOMER#', 'PRODUCT#', 'STORE#', 'POSTREGION#', 'TERRITORY#'] },
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    });
    this.stateMachine.grantStartExecution(submitRequest.role);
    api.addIamRoute(requests, 'POST', new LambdaIntegration(submitRequest.fn));

    const getRequest = route('GetRequest', {
      file: 'get-request.ts',
      description: 'GET /requests/{id}: a customer request with its holds, notifications, decisions and timeline',
      timeout: Duration.seconds(6),
      // The request, its holds, notifications, decisions and audit events share one partition.
      table: { actions: ['dynamodb:GetItem', 'dynamodb:Query'], partitions: ['REQUEST#'] },
    });
    api.addIamRoute(requests.addResource('{id}'), 'GET', new LambdaIntegration(getRequest.fn), { requestParameters: { 'method.request.path.id': true } });

    const stockFeed = route('StockFeed', {
      file: 'stock-feed.ts',
      description: "POST /stores/{storeId}/stock: apply a store system's stock counts, newest count wins",
      // Stock and catalogue, and for arrivals: the waiting requests, their escalation and tandem.
      table: {
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:PutItem'],
        partitions: ['STORE#', 'PRODUCT#', 'REQUEST#', 'DECISIONREF#', 'CUSTOMER#', 'TERRITORY#', 'PERSON#'],
      },
      ...messaging,
    });
    const store = api.api.root.addResource('stores').addResource('{storeId}');
    api.addIamRoute(store.addResource('stock'), 'POST', new LambdaIntegration(stockFeed.fn), { requestParameters: { 'method.request.path.storeId': true } });

    // Decision links, for people: the page (never decides) and the answer.
    // PERSON#: a deputy holding the task is found in the directory by id.
    const decisionPartitions = ['DECISIONREF#', 'REQUEST#', 'CUSTOMER#', 'TERRITORY#', 'PRODUCT#', 'STORE#', 'PERSON#'];
    const task = api.api.root.addResource('tasks').addResource('{ref}');
    const getTask = route('GetTask', {
      file: 'get-task.ts',
      description: 'GET /tasks/{ref}: the page of a decision link, showing what is asked and the choices',
      timeout: Duration.seconds(6),
      table: { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], partitions: decisionPartitions },
    });
    api.addCapabilityRoute(task, 'GET', new LambdaIntegration(getTask.fn), { requestParameters: { 'method.request.path.ref': true } });

    const decideTask = route('DecideTask', {
      file: 'decide-task.ts',
      description: 'POST /tasks/{ref}/decision: a tandem partner answers an escalated request',
      table: { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: decisionPartitions },
    });
    // Not grantTaskResponse: it adds SendTaskHeartbeat, which no state uses.
    decideTask.role.addToPolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.stateMachine.stateMachineArn] }));
    api.addCapabilityRoute(task.addResource('decision'), 'POST', new LambdaIntegration(decideTask.fn), {
      requestParameters: { 'method.request.path.ref': true },
    });
    this.functions = functions;
  }
}

interface FunctionSpec {
  readonly file: string;
  /** `METHOD /path: what it does` or `StepName: what it does`. */
  readonly description: string;
  readonly caller: string;
  readonly table: TableAccess;
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** Sends tandem SMS and email. */
  readonly messages?: boolean;
}
