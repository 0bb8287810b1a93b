/**
 * The middy stack of every API Gateway handler: Lambda context and the
 * request id as correlation id in every log line, then the handler, then the
 * error mapping of http-response.ts. Handlers stay thin: they parse, call the
 * domain, and return `json(...)`.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { errorResponse } from './http-response';
import { logger } from './powertools';

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function httpHandler(handle: HttpHandler) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      // Set directly: a correlationIdPath would need the optional JMESPath package for one property read.
      logger.setCorrelationId(event.requestContext?.requestId);
      try {
        return await handle(event, context);
      } catch (error) {
        // Expected domain errors are the caller's problem: log the kind, not the payload (it may hold personal data).
        if (error instanceof DomainError) logger.info('request refused', { error: error.name });
        else logger.error('request failed', error as Error);
        return errorResponse(error, context.awsRequestId);
      }
    });
}
