import { Duration } from 'aws-cdk-lib';
import { LambdaIntegration, type IResource } from 'aws-cdk-lib/aws-apigateway';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MAX_SILENT_WAIT_DAYS } from '../../functions/customer-lifecycle/domain/follow-up';
import { followUpDefinition, type FollowUpSteps } from '../../workflows/follow-up';
import type { TandemFunction } from '../functions/tandem-function';
import type { LifecycleKit } from './lifecycle-kit';

export interface FollowUpWorkflowProps {
  readonly kit: LifecycleKit;
  /** `customers/{id}`, for the partners' app's `…/follow-ups/{followUpId}/actions`. */
  readonly customer: IResource;
}

/**
 * Follow-ups (story case 5, issue 6 item 3): `POST /follow-ups` schedules
 * one and starts the FollowUp workflow (workflows/follow-up.ts), which
 * reminds the owner on the due day, then the partner, and lets it lapse;
 * the link and `POST /customers/{id}/follow-ups/{followUpId}/actions` mark it
 * done, snooze it or hand it over. docs/follow-ups.md describes the flow.
 */
export class FollowUpWorkflow extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly functions: Readonly<Record<string, TandemFunction>>;

  constructor(scope: Construct, id: string, props: FollowUpWorkflowProps) {
    super(scope, id);
    const { kit } = props;
    const step = (fnId: string, file: string, description: string, table: { actions: string[]; partitions: string[] }, messages = false, environment: Record<string, string> = {}) =>
      kit.fn(this, fnId, { file: `follow-up/${file}`, description, caller: 'the FollowUp state machine', table, messages, environment });

    const planRound = step('PlanRound', 'plan-follow-up-round.ts', "PlanRound: a follow-up round's reminder, hand-over and lapse times, after the recipients' quiet hours", {
      // The follow-up, the customer and its tandem (deputies by id); the round and its event in one transaction.
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      partitions: ['CUSTOMER#', 'TERRITORY#', 'PERSON#'],
    }, false, {
      FOLLOW_UP_ANSWER_HOURS: String(kit.settings.followUpAnswerHours),
      // The notifier decides who receives (role, or deputy) and is built with it; PlanRound sends nothing, so no SNS grant.
      TANDEM_TOPIC_ARN_PREFIX: kit.props.topics.tandemTopicArnPrefix,
    });
    const offerTask = step(
      'OfferFollowUpTask',
      'offer-follow-up-task.ts',
      'AwaitDueDay / RemindOwner / RemindOwnerAgain / HandToPartner: offer the follow-up task, silently before the day, with followUpDue from it',
      { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: ['CUSTOMER#', 'TERRITORY#', 'PERSON#', 'DECISIONREF#'] },
      true,
    );
    const lapse = step('LapseFollowUp', 'lapse-follow-up.ts', 'LapseFollowUp: nobody acted in time; the task expires and the follow-up is MISSED', {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      partitions: ['CUSTOMER#', 'DECISIONREF#'],
    });
    const continueFollowUp = step('ContinueFollowUp', 'continue-follow-up.ts', 'StartNextRound / WaitOnInNextExecution: the follow-up goes on in a new execution', {
      // Its FollowUpContinued event.
      actions: ['dynamodb:PutItem'],
      partitions: ['CUSTOMER#'],
    });
    const steps: FollowUpSteps = { planRound: planRound.fn, offerTask: offerTask.fn, lapse: lapse.fn, continueFollowUp: continueFollowUp.fn };

    const actOnFollowUp = kit.fn(this, 'ActOnFollowUp', {
      file: 'follow-up/act-on-follow-up.ts',
      description: 'POST /customers/{id}/follow-ups/{followUpId}/actions: done, snooze or hand over a follow-up from the partners\' app',
      caller: 'API Gateway (POST /customers/{id}/follow-ups/{followUpId}/actions)',
      // The follow-up, its task and reference; the answer with the follow-up's change and event in one transaction.
      table: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: ['CUSTOMER#', 'DECISIONREF#'] },
    });

    this.stateMachine = kit.stateMachine(this, 'Workflow', {
      comment: 'FollowUp: wait for the due day, remind the owner, then the partner; done, snooze once, hand over once, or lapse',
      definition: (states) => followUpDefinition(states, { steps, table: kit.table, opsAlerts: kit.props.topics.opsAlerts }),
      // One round: the longest wait before the day, a day to the reminder time, both answer windows, quiet hours.
      timeout: Duration.days(MAX_SILENT_WAIT_DAYS + 2 + Math.ceil((2 * kit.settings.followUpAnswerHours) / 24) + 3),
      steps: Object.values(steps),
      answeredBy: [offerTask, actOnFollowUp],
    });
    // The next round starts as a new execution of this machine. A policy of its own, not the role's default one:
    // the machine invokes the function, so the default policy naming the machine would be a dependency cycle.
    new Policy(this, 'ContinueInNewExecution', {
      roles: [continueFollowUp.role],
      statements: [new PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] })],
    });

    const scheduleFollowUp = kit.fn(this, 'ScheduleFollowUp', {
      file: 'follow-up/schedule-follow-up.ts',
      description: 'POST /follow-ups: schedule a follow-up for a customer once and start its workflow',
      caller: 'API Gateway (POST /follow-ups)',
      // The customer and its tandem; the follow-up and its event in one transaction.
      table: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], partitions: ['CUSTOMER#', 'TERRITORY#'] },
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    });
    this.stateMachine.grantStartExecution(scheduleFollowUp.role);

    const api = kit.props.api;
    api.addIamRoute(api.api.root.addResource('follow-ups'), 'POST', new LambdaIntegration(scheduleFollowUp.fn));
    const actions = props.customer.addResource('follow-ups').addResource('{followUpId}').addResource('actions');
    api.addIamRoute(actions, 'POST', new LambdaIntegration(actOnFollowUp.fn), {
      requestParameters: { 'method.request.path.id': true, 'method.request.path.followUpId': true },
    });
    this.functions = { PlanRound: planRound, OfferFollowUpTask: offerTask, LapseFollowUp: lapse, ContinueFollowUp: continueFollowUp, ActOnFollowUp: actOnFollowUp, ScheduleFollowUp: scheduleFollowUp };
  }
}
