import { Duration } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { StoreApi } from '../api/store-api';
import type { NotificationTopics } from '../notifications/notification-topics';
import type { CustomerLifecycleSettings, CustomerRequestSettings } from '../stage-config';
import { FollowUpWorkflow } from './follow-up-workflow';
import { LifecycleKit } from './lifecycle-kit';
import { OnboardingWorkflow } from './onboarding-workflow';
import { PriceRequestWorkflow } from './price-request-workflow';
import { Reassignment } from './reassignment';

export interface CustomerLifecycleServiceProps {
  readonly table: TableV2;
  readonly api: StoreApi;
  readonly topics: NotificationTopics;
  readonly settings: CustomerLifecycleSettings;
  readonly requestSettings: CustomerRequestSettings;
  /** The base of decision links. */
  readonly publicApiUrl: string;
  /** The decision link's answer function (POST /tasks/{ref}/decision), which also answers customer tasks. */
  readonly taskAnswerRole: IRole;
  readonly retainLogs?: boolean;
}

/**
 * The customer lifecycle (story cases 3–5): onboarding a newly won customer
 * with its handover, special-price approval, follow-ups and territory
 * reassignment — three Standard workflows with their routes — and
 * `GET /customers/{id}`, which shows all of it for one customer.
 */
export class CustomerLifecycleService extends Construct {
  public readonly kit: LifecycleKit;

  constructor(scope: Construct, id: string, props: CustomerLifecycleServiceProps) {
    super(scope, id);
    this.kit = new LifecycleKit({
      table: props.table,
      api: props.api,
      topics: props.topics,
      settings: props.settings,
      requestSettings: props.requestSettings,
      publicApiUrl: props.publicApiUrl,
      taskAnswerRole: props.taskAnswerRole,
      ...(props.retainLogs === undefined ? {} : { retainLogs: props.retainLogs }),
    });
    const customers = props.api.api.root.addResource('customers');
    const customer = customers.addResource('{id}');

    const getCustomer = this.kit.fn(this, 'GetCustomer', {
      file: 'get-customer.ts',
      description: 'GET /customers/{id}: owner, status, prices, cases, open tasks and the audit trail of a customer',
      caller: 'API Gateway (GET /customers/{id})',
      timeout: Duration.seconds(6),
      // The customer's partition, and the tandem of its territory for the owner's name.
      table: { actions: ['dynamodb:GetItem', 'dynamodb:Query'], partitions: ['CUSTOMER#', 'TERRITORY#'] },
    });
    props.api.addIamRoute(customer, 'GET', new LambdaIntegration(getCustomer.fn), { requestParameters: { 'method.request.path.id': true } });

    new Reassignment(this, 'Reassignment', { kit: this.kit, topics: props.topics, root: props.api.api.root });

    // Workflows (each in a construct of its own):
    new OnboardingWorkflow(this, 'Onboarding', { kit: this.kit, customers, customer });
    new PriceRequestWorkflow(this, 'PriceRequests', { kit: this.kit });
    new FollowUpWorkflow(this, 'FollowUps', { kit: this.kit, customer });
  }
}
