import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { priceRequestDefinition, type PriceRequestSteps } from '../../workflows/price-request';
import type { TandemFunction } from '../functions/tandem-function';
import type { LifecycleKit } from './lifecycle-kit';

export interface PriceRequestWorkflowProps {
  readonly kit: LifecycleKit;
}

/** A task's offer reads the request, the customer and its tandem, people (deputies), the product, and writes the task, its link and the log. */
const OFFER_PARTITIONS = ['CUSTOMER#', 'DECISIONREF#', 'TERRITORY#', 'PERSON#'];

/**
 * Special prices (issue 6, item 2; docs/pricing.md): `POST /price-requests`
 * records a request with its volume-tier suggestion and starts the
 * PriceRequest workflow (workflows/price-request.ts), in which the inside
 * manager approves, counters or rejects through a decision link with a
 * deadline, a reminder and a hand-over to the field manager, and a
 * counter-offer goes to the field manager for the customer's answer.
 */
export class PriceRequestWorkflow extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly functions: Readonly<Record<string, TandemFunction>>;

  constructor(scope: Construct, id: string, props: PriceRequestWorkflowProps) {
    super(scope, id);
    const { kit } = props;
    const { settings } = kit;
    const caller = 'the PriceRequest state machine';

    const plan = kit.fn(this, 'PlanPriceDecision', {
      file: 'price-request/plan-price-decision.ts',
      description: 'PlanPriceDecision: the phases of a special-price decision and of a counter-offer, in seconds',
      caller,
      table: { actions: ['dynamodb:PutItem'], partitions: ['CUSTOMER#'] },
      environment: {
        PRICE_DECISION_HOURS: String(settings.priceDecisionHours),
        PRICE_WARNING_FRACTION: String(settings.priceWarningFraction),
        COUNTER_OFFER_HOURS: String(settings.counterOfferHours),
      },
    });
    const offer = kit.fn(this, 'OfferPriceTask', {
      file: 'price-request/offer-price-task.ts',
      description: 'AskInsideManager / RemindInsideManager / HandOverToFieldManager / OfferCounterToFieldManager / RemindFieldManagerOfCounter: offer a price task',
      caller,
      messages: true,
      table: { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: OFFER_PARTITIONS },
    });
    const expire = kit.fn(this, 'ExpirePriceTask', {
      file: 'price-request/expire-price-task.ts',
      description: "ExpirePriceDecision / LapseCounterOffer: a price task's last phase ended without an answer",
      caller,
      table: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: ['CUSTOMER#', 'DECISIONREF#'] },
    });
    const record = kit.fn(this, 'RecordPriceOutcome', {
      file: 'price-request/record-price-outcome.ts',
      description: "RecordPriceDecision / RecordCounterAnswer: a price request's outcome, with the agreed price and its validity",
      caller,
      table: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: ['CUSTOMER#'] },
      environment: { PRICE_VALIDITY_DAYS: String(settings.priceValidityDays) },
    });
    const notify = kit.fn(this, 'NotifyPriceOutcome', {
      file: 'price-request/notify-price-outcome.ts',
      description: 'NotifyPriceOutcome / SendHeldSms: tell both partners how a price request ended',
      caller,
      messages: true,
      table: { actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: ['CUSTOMER#', 'TERRITORY#', 'PERSON#'] },
    });

    const steps: PriceRequestSteps = {
      planPriceDecision: plan.fn,
      offerPriceTask: offer.fn,
      expirePriceTask: expire.fn,
      recordPriceOutcome: record.fn,
      notifyPriceOutcome: notify.fn,
    };
    // The longest legitimate run: the decision's phases, a counter-offer's, a night of held SMS, and a day to spare.
    const longestHours = settings.priceDecisionHours * (2 - settings.priceWarningFraction) + settings.counterOfferHours + 24 + 24;
    this.stateMachine = kit.stateMachine(this, 'Workflow', {
      comment: 'PriceRequest: the inside manager approves, counters or rejects a special price; a counter-offer goes to the field manager',
      definition: (states) => priceRequestDefinition(states, { steps, table: kit.table, opsAlerts: kit.props.topics.opsAlerts }),
      timeout: Duration.hours(Math.ceil(longestHours)),
      steps: Object.values(steps),
      // An answer stored between two phases completes the next phase's task at once.
      answeredBy: [offer],
    });

    const submit = kit.fn(this, 'SubmitPriceRequest', {
      file: 'price-request/submit-price-request.ts',
      description: 'POST /price-requests: record a special-price request with its volume-tier suggestion once and start its workflow',
      caller: 'API Gateway (POST /price-requests)',
      timeout: Duration.seconds(10),
      // The customer, its tandem (who may ask), the product; the request and its event in the customer's partition.
      table: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], partitions: ['CUSTOMER#', 'TERRITORY#', 'PRODUCT#'] },
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    });
    this.stateMachine.grantStartExecution(submit.role);
    // Whether a priceRequestId is another customer's: its execution's input names the customer.
    submit.role.addToPolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${this.stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ],
      }),
    );
    const submitPolicy = submit.role.node.tryFindChild('DefaultPolicy');
    if (submitPolicy) {
      const machineId = Stack.of(this).resolve((this.stateMachine.node.defaultChild as CfnStateMachine).logicalId) as string;
      Validations.of(submitPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${machineId}.Name>:*]`,
        reason: "Execution names are price-request ids, known only at run time; the function may describe the executions of the PriceRequest state machine and no other's.",
      });
    }
    kit.props.api.addIamRoute(kit.props.api.api.root.addResource('price-requests'), 'POST', new LambdaIntegration(submit.fn));

    this.functions = { PlanPriceDecision: plan, OfferPriceTask: offer, ExpirePriceTask: expire, RecordPriceOutcome: record, NotifyPriceOutcome: notify, SubmitPriceRequest: submit };
  }
}
