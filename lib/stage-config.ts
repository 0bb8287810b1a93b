import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * Per-stage settings, chosen with `-c stage=dev|prod`. The one config loader of
 * the CDK app: constructs receive these values as props, never read context.
 */
export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export interface StageConfig {
  readonly stage: StageName;
  /** Protect data from `cdk destroy` and accidental deletes. */
  readonly retainData: boolean;
  readonly customerRequests: CustomerRequestSettings;
  readonly customerLifecycle: CustomerLifecycleSettings;
  readonly operations: OperationsSettings;
}

/** How long logs are kept and when the SLA alarm fires (lib/operations/operations-monitoring.ts). */
export interface OperationsSettings {
  /** Function logs: what a handler did, with the case's correlation id. */
  readonly functionLogRetention: RetentionDays;
  /** Every other log group: workflow execution events, API access logs. */
  readonly auditLogRetention: RetentionDays;
  /** The SLA alarm fires when more than this share (%) of the requests concluded in an hour breached their SLA. */
  readonly slaBreachAlarmPercent: number;
}

/** How the customer lifecycle workflows (onboarding, special prices, follow-ups) wait and escalate. */
export interface CustomerLifecycleSettings {
  /** Weeks a newly won customer stays with the field manager before the handover. */
  readonly handoverWeeks: number;
  /** Days between the reminders of the monthly joint visit during the handover period. */
  readonly jointVisitEveryDays: number;
  /** Hours the inside manager has for a special-price decision before it passes to the field manager. */
  readonly priceDecisionHours: number;
  /** Share of the inside manager's window after which the reminder goes out. */
  readonly priceWarningFraction: number;
  /** Hours the field manager has to answer a counter-offer with the customer's answer. */
  readonly counterOfferHours: number;
  /** Days an approved special price is valid. */
  readonly priceValidityDays: number;
  /** Hours the owner has to act on a due follow-up before it passes to the partner. */
  readonly followUpAnswerHours: number;
}

/** How the CustomerRequest workflow decides and waits (see functions/customer-request/domain/deadlines.ts). */
export interface CustomerRequestSettings {
  /** Minutes each person gets to answer an escalation. */
  readonly slaMinutes: number;
  /** Share of the inside manager's window after which the reminder goes out. */
  readonly warningFraction: number;
  /** Hours a reservation holds past needed-by before it lapses. */
  readonly reservationGraceHours: number;
  /** Stores checked for stock: the home store and the nearest others. */
  readonly candidateStores: number;
  /** The most one SMS may cost (USD, SNS `AWS.SNS.SMS.MaxPrice`); SNS does not send a dearer one. */
  readonly smsMaxPriceUsd: string;
}

const CUSTOMER_REQUESTS: CustomerRequestSettings = { slaMinutes: 30, warningFraction: 0.5, reservationGraceHours: 4, candidateStores: 6, smsMaxPriceUsd: '0.50' };

const CUSTOMER_LIFECYCLE: CustomerLifecycleSettings = {
  handoverWeeks: 6,
  jointVisitEveryDays: 28,
  priceDecisionHours: 48,
  priceWarningFraction: 0.5,
  counterOfferHours: 72,
  priceValidityDays: 365,
  followUpAnswerHours: 48,
};

const CONFIG: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    retainData: false,
    customerRequests: CUSTOMER_REQUESTS,
    customerLifecycle: CUSTOMER_LIFECYCLE,
    operations: { functionLogRetention: RetentionDays.TWO_WEEKS, auditLogRetention: RetentionDays.ONE_MONTH, slaBreachAlarmPercent: 20 },
  },
  prod: {
    stage: 'prod',
    retainData: true,
    customerRequests: CUSTOMER_REQUESTS,
    customerLifecycle: CUSTOMER_LIFECYCLE,
    operations: { functionLogRetention: RetentionDays.ONE_MONTH, auditLogRetention: RetentionDays.THREE_MONTHS, slaBreachAlarmPercent: 10 },
  },
};

export function stageConfig(stage: unknown): StageConfig {
  const name = stage === undefined ? 'dev' : stage;
  if (typeof name !== 'string' || !(STAGES as readonly string[]).includes(name)) {
    throw new Error(`context 'stage' must be one of ${STAGES.join(', ')}, got ${JSON.stringify(stage)}`);
  }
  return CONFIG[name as StageName];
}
