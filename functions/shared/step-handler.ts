/**
 * The middy stack of every workflow step (a Lambda a Step Functions Task
 * invokes): Lambda context in every log line, the customer request's id as
 * correlation id, and errors rethrown with their class name as `errorType`, which
 * Step Functions uses as the error a Retry or Catch matches
 * (e.g. `TandemIncompleteError`). Nothing of the payload is logged: it may
 * name customers.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { logger } from './powertools';

export function stepHandler<I, O>(step: string, handle: (input: I, context: Context) => Promise<O>) {
  return middy<I, O>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (input, context) => {
      // The customer request's id follows it through every step's logs.
      logger.setCorrelationId((input as { requestId?: unknown } | null)?.requestId);
      try {
        return await handle(input, context);
      } catch (error) {
        if (error instanceof DomainError) logger.info(`${step} ended with ${error.name}`);
        else logger.error(`${step} failed`, error as Error);
        throw error;
      }
    });
}
