import { Duration } from 'aws-cdk-lib';
import { LambdaIntegration, type IResource } from 'aws-cdk-lib/aws-apigateway';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MAX_EXTENSION_WEEKS } from '../../functions/customer-lifecycle/domain/onboarding';
import { customerOnboardingDefinition, type CustomerOnboardingSteps } from '../../workflows/customer-onboarding';
import type { TandemFunction } from '../functions/tandem-function';
import type { TableAccess } from '../functions/table-access';
import type { LifecycleKit } from './lifecycle-kit';

export interface OnboardingWorkflowProps {
  readonly kit: LifecycleKit;
  /** `/customers`: POST registers a newly won customer. */
  readonly customers: IResource;
  /** `/customers/{id}`: POST …/onboarding answers the customer's handover task from the field manager's app. */
  readonly customer: IResource;
}

/** Beyond the longest legitimate period (the stage's plus the longest extension): retries and quiet hours take hours, not weeks. */
const EXECUTION_MARGIN_WEEKS = 2;

/**
 * Onboarding a newly won customer (issue 6, item 1): `POST /customers`
 * registers the customer and starts the CustomerOnboarding workflow
 * (workflows/customer-onboarding.ts), which keeps the customer with the field
 * manager for the handover period — welcome, joint-visit reminders, the
 * onboarding link to hand over early or extend once — and then hands it to
 * the inside manager. `POST /customers/{id}/onboarding` is the link's answer
 * for the field manager's app.
 */
export class OnboardingWorkflow extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly functions: Readonly<Record<string, TandemFunction>>;

  constructor(scope: Construct, id: string, props: OnboardingWorkflowProps) {
    super(scope, id);
    const { kit } = props;
    const functions: Record<string, TandemFunction> = {};
    const fn = (fnId: string, spec: { file: string; description: string; caller: string; table: TableAccess; timeout?: Duration; environment?: Record<string, string>; messages?: boolean }) =>
      (functions[fnId] = kit.fn(this, fnId, spec));
    const step = (fnId: string, file: string, description: string, table: TableAccess, extra: { environment?: Record<string, string>; messages?: boolean } = {}) =>
      fn(fnId, { file: `onboarding/${file}`, description, caller: 'the CustomerOnboarding state machine', table, ...extra });

    // ------------------------------------------------------------ workflow steps
    const planHandoverRound = step('PlanHandoverRound', 'plan-handover-round.ts', 'PlanFirstRound / PlanNextRound: the next wait of the handover period (in seconds), or the handover', {
      actions: ['dynamodb:GetItem'],
      partitions: ['CUSTOMER#'],
    }, { environment: { JOINT_VISIT_EVERY_DAYS: String(kit.settings.jointVisitEveryDays) } });
    // The customer, its tandem (and a deputy's), the task and its link, the notification log and the audit trail.
    const offerHandoverTask = step('OfferHandoverTask', 'offer-handover-task.ts', "AwaitHandoverAnswer: offer the round's handover task to the field manager with the welcome or the joint-visit reminder", {
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      partitions: ['CUSTOMER#', 'DECISIONREF#', 'TERRITORY#', 'PERSON#'],
    }, { messages: true });
    const expireHandoverTask = step('ExpireHandoverTask', 'expire-handover-task.ts', "ExpireHandoverTask: close the round's link when its wait is over, or take its last-moment answer", {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      partitions: ['CUSTOMER#', 'DECISIONREF#'],
    });
    const handOverCustomer = step('HandOverCustomer', 'hand-over-customer.ts', 'HandOverCustomer: the customer passes to the inside role once; both partners are told', {
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      partitions: ['CUSTOMER#', 'TERRITORY#', 'PERSON#'],
    }, { messages: true });
    const steps: CustomerOnboardingSteps = {
      planHandoverRound: planHandoverRound.fn,
      offerHandoverTask: offerHandoverTask.fn,
      expireHandoverTask: expireHandoverTask.fn,
      handOverCustomer: handOverCustomer.fn,
    };

    // ------------------------------------------------------------ the field manager's app answers without a link
    const answerOnboarding = fn('AnswerOnboarding', {
      file: 'onboarding/answer-onboarding.ts',
      description: "POST /customers/{id}/onboarding: the field manager hands over now or extends once; answers the customer's open handover task",
      caller: 'API Gateway (POST /customers/{id}/onboarding)',
      // The customer, its open tasks and their links, the answer's records.
      table: { actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: ['CUSTOMER#', 'DECISIONREF#'] },
    });

    this.stateMachine = kit.stateMachine(this, 'Workflow', {
      comment: 'CustomerOnboarding: welcome, joint-visit reminders and the onboarding link during the handover period, then the handover to the inside role',
      definition: (states) => customerOnboardingDefinition(states, { steps, table: kit.table, opsAlerts: kit.props.topics.opsAlerts }),
      timeout: Duration.days(7 * (kit.settings.handoverWeeks + MAX_EXTENSION_WEEKS + EXECUTION_MARGIN_WEEKS)),
      steps: Object.values(steps),
      // An answer stored between two rounds completes the next offer at once; the app's route answers like the link.
      answeredBy: [offerHandoverTask, answerOnboarding],
    });
    kit.props.api.addIamRoute(props.customer.addResource('onboarding'), 'POST', new LambdaIntegration(answerOnboarding.fn), { requestParameters: { 'method.request.path.id': true } });

    // ------------------------------------------------------------ registration
    const registerCustomer = fn('RegisterCustomer', {
      file: 'onboarding/register-customer.ts',
      description: 'POST /customers: register a newly won customer once (territory by postcode, its tandem) and start its onboarding',
      caller: 'API Gateway (POST /customers)',
      // The registration record and the id counter; the routing table, territory and tandem; the new customer's partition.
      table: {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: ['REGISTRATION#', 'COUNTER#', 'POSTREGION#', 'TERRITORY#', 'CUSTOMER#'],
      },
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn, HANDOVER_WEEKS: String(kit.settings.handoverWeeks) },
    });
    this.stateMachine.grantStartExecution(registerCustomer.role);
    kit.props.api.addIamRoute(props.customers, 'POST', new LambdaIntegration(registerCustomer.fn));
    this.functions = functions;
  }
}
