/**
 * The middleware every handler starts with: the Lambda context in every log
 * line (keys of the previous invocation reset), and the business metrics it
 * recorded flushed as one CloudWatch EMF line at the end, also when it fails.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger, metrics } from './powertools';

export function instrumented<I, O>() {
  return middy<I, O>().use(injectLambdaContext(logger, { resetKeys: true })).use(logMetrics(metrics));
}
