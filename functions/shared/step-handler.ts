/**
 * The middy stack of every workflow step (a Lambda a Step Functions Task
 * invokes): Lambda context in every log line, the execution and state as
 * correlation, and errors rethrown with their class name as `errorType`, which
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
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestId' }))
    .handler(async (input, context) => {
      try {
        return await handle(input, context);
      } catch (error) {
        if (error instanceof DomainError) logger.info(`${step} ended with ${error.name}`);
        else logger.error(`${step} failed`, error as Error);
        throw error;
      }
    });
}
