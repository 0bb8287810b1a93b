/**
 * The business facts ops count, as CloudWatch embedded metrics
 * (functions/shared/metric-catalogue.ts names them). Each is recorded by the
 * handler that writes the fact, after the write succeeded and only when the
 * write was new, so a retried step does not count twice; the shared handler
 * wrappers flush them at the end of the invocation (logMetrics). Each EMF
 * line carries the invocation's correlation id as metadata (not a
 * dimension), so Logs Insights finds it with the case's other lines.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Channel } from '../domain/model';
import { CHANNEL_DIMENSION, METRIC, outcomeMetric, type ConcludedStatus } from './metric-catalogue';
import { logger, metrics, singleMetric } from './powertools';

function correlated<M extends typeof metrics>(target: M): M {
  const id = logger.getCorrelationId();
  if (typeof id === 'string') target.addMetadata('correlation_id', id);
  return target;
}
const count = (name: string) => correlated(metrics).addMetric(name, MetricUnit.Count, 1);
const seconds = (from: string, to: Date) => Math.max(0, (to.getTime() - Date.parse(from)) / 1000);

export const businessMetrics = {
  requestReceived(): void {
    count(METRIC.requestsReceived);
  },
  requestEscalated(): void {
    count(METRIC.requestsEscalated);
  },
  /** The final status, the time since receipt, and whether the SLA was breached. */
  requestConcluded(status: ConcludedStatus, receivedAt: string, concludedAt: Date, slaBreached: boolean): void {
    count(outcomeMetric(status));
    correlated(metrics).addMetric(METRIC.timeToResolution, MetricUnit.Seconds, seconds(receivedAt, concludedAt));
    if (slaBreached) count(METRIC.slaBreaches);
  },
  decisionAnswered(escalatedAt: string, answeredAt: Date): void {
    correlated(metrics).addMetric(METRIC.decisionResponseTime, MetricUnit.Seconds, seconds(escalatedAt, answeredAt));
  },
  notificationSent(channel: Channel): void {
    const single = correlated(singleMetric());
    single.addDimension(CHANNEL_DIMENSION, channel);
    single.addMetric(METRIC.notificationsSent, MetricUnit.Count, 1);
  },
  customerHandedOver(): void {
    count(METRIC.customersHandedOver);
  },
  priceRequestDecided(): void {
    count(METRIC.priceRequestsDecided);
  },
  followUpMissed(): void {
    count(METRIC.followUpsMissed);
  },
};
