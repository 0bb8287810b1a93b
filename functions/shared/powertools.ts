/**
 * The one Logger and the one Metrics of every handler. Service name and level
 * come from the function's environment (POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_LOG_LEVEL), set by lib/functions/tandem-function.ts; the metrics
 * namespace and stage from what lib/operations/operations-monitoring.ts adds
 * (POWERTOOLS_METRICS_NAMESPACE, TANDEM_STAGE).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_ENV, METRICS_NAMESPACE, STAGE_DIMENSION } from './metric-catalogue';

export const logger = new Logger();

/**
 * Metrics' own warnings go through the Logger, so they carry the correlation
 * id like every other line. "No application metrics to publish" is dropped: a
 * handler that recorded no business fact has nothing to say, and the warning
 * would be the only line of most invocations.
 */
const metricsLog = {
  debug: (...args: unknown[]) => logger.debug(String(args[0])),
  info: (...args: unknown[]) => logger.info(String(args[0])),
  warn: (...args: unknown[]) => {
    const message = String(args[0]);
    if (!message.startsWith('No application metrics to publish')) logger.warn(message);
  },
  error: (...args: unknown[]) => logger.error(String(args[0])),
};

export const metricsStage = (): string => process.env[METRICS_ENV.stage] ?? 'local';

function stageOnly(metrics: Metrics): Metrics {
  // Powertools always adds a `service` dimension; ours is the stage alone (functions/shared/metric-catalogue.ts says why).
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ [STAGE_DIMENSION]: metricsStage() });
  return metrics;
}

export const metrics = stageOnly(new Metrics({ namespace: process.env[METRICS_ENV.namespace] ?? METRICS_NAMESPACE, logger: metricsLog }));

/** A metric with dimensions of its own (e.g. `Channel`), published at once in an EMF line of its own. */
export function singleMetric(): Metrics {
  return stageOnly(metrics.singleMetric());
}
