/**
 * The middy stack of every workflow step (a Lambda a Step Functions Task
 * invokes): Lambda context in every log line, the case's id as correlation id
 * (`correlationId`, which every lifecycle step's payload carries, else the
 * customer request's `requestId`), business metrics flushed at the end, and
 * errors rethrown with their class name as `errorType`, which Step Functions
 * uses as the error a Retry or Catch matches
 * (e.g. `TandemIncompleteError`). Nothing of the payload is logged: it may
 * name customers.
 */
import type { Context } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { stepCorrelationId } from './correlation';
import { instrumented } from './instrumented';
import { logger } from './powertools';


export function stepHandler<I, O>(step: string, handle: (input: I, context: Context) => Promise<O>) {
  return instrumented<I, O>()
    .handler(async (input, context) => {
      // The case's id follows it through every step's logs; the invocation's own id if a payload names none.
      logger.setCorrelationId(stepCorrelationId(input) ?? context.awsRequestId);
      try {
        return await handle(input, context);
      } catch (error) {
        if (error instanceof DomainError) logger.info(`${step} ended with ${error.name}`);
        else logger.error(`${step} failed`, error as Error);
        throw error;
      }
    });
}
