/**
 * The business metrics of Tandem 360, by name: what the handlers emit
 * (functions/shared/business-metrics.ts) and what the dashboard and alarms
 * read (lib/operations/operations-monitoring.ts). One list, so a renamed
 * metric cannot leave a dashboard line reading nothing. docs/operations.md
 * says where each is emitted and what it means.
 *
 * Every metric has the one dimension `Stage` (dev, prod): a metric is emitted
 * by one capability, or by several alike (notifications), so a `service`
 * dimension would only split what ops want summed. Notifications add
 * `Channel` (sms, email).
 */

/** The CloudWatch namespace of every business metric. */
export const METRICS_NAMESPACE = 'Tandem360';
export const STAGE_DIMENSION = 'Stage';
export const CHANNEL_DIMENSION = 'Channel';

/** The environment variables the monitoring construct gives every function. */
export const METRICS_ENV = { namespace: 'POWERTOOLS_METRICS_NAMESPACE', stage: 'TANDEM_STAGE' } as const;

/** A final status of a customer request (ConcludeRequest's); FAILED is the workflow's Fail state, counted by Step Functions. */
export type ConcludedStatus = 'RESERVED' | 'PARTIAL' | 'SOURCED' | 'UNFULFILLED';

/** One metric per outcome, not one metric with an `Outcome` dimension: an alarm or a graph line names the metric alone. */
export const OUTCOME_METRICS = {
  RESERVED: 'RequestsReserved',
  PARTIAL: 'RequestsPartial',
  SOURCED: 'RequestsSourced',
  UNFULFILLED: 'RequestsUnfulfilled',
} as const satisfies Record<ConcludedStatus, string>;

export const METRIC = {
  requestsReceived: 'RequestsReceived',
  requestsEscalated: 'RequestsEscalated',
  ...{ requestsReserved: OUTCOME_METRICS.RESERVED, requestsPartial: OUTCOME_METRICS.PARTIAL, requestsSourced: OUTCOME_METRICS.SOURCED, requestsUnfulfilled: OUTCOME_METRICS.UNFULFILLED },
  /** Seconds from receipt to the final status. */
  timeToResolution: 'TimeToResolution',
  /** Seconds from the escalation to a person's answer. */
  decisionResponseTime: 'DecisionResponseTime',
  /** A concluded customer request whose SLA was breached (functions/customer-request/domain/service-level.ts). */
  slaBreaches: 'SlaBreaches',
  notificationsSent: 'NotificationsSent',
  customersHandedOver: 'CustomersHandedOver',
  priceRequestsDecided: 'PriceRequestsDecided',
  followUpsMissed: 'FollowUpsMissed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The metric counting requests that ended with `status`. */
export function outcomeMetric(status: ConcludedStatus): MetricName {
  const name = (OUTCOME_METRICS as Record<string, MetricName | undefined>)[status];
  if (!name) throw new RangeError(`no outcome metric for status ${String(status)}; expected one of ${Object.keys(OUTCOME_METRICS).join(', ')}`);
  return name;
}
