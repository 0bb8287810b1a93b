/**
 * The middy stack of every API Gateway handler: Lambda context and a
 * correlation id in every log line (the caller's `x-correlation-id` or API
 * Gateway's request id, until the handler names the case with
 * `correlateWith`), business metrics flushed at the end, then the handler,
 * then the error mapping of http-response.ts. Handlers stay thin: they parse,
 * call the domain, and return `json(...)`.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { incomingCorrelationId } from './correlation';
import { errorResponse } from './http-response';
import { instrumented } from './instrumented';
import { logger } from './powertools';

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function httpHandler(handle: HttpHandler) {
  return instrumented<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .handler(async (event, context) => {
      // Set directly: a correlationIdPath would need the optional JMESPath package for one property read.
      logger.setCorrelationId(incomingCorrelationId(event) ?? context.awsRequestId);
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
