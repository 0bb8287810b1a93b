/**
 * DynamoDB faults as an interceptor of the local cloud's DynamoDB front
 * (local/runtime/dynamodb/dynamodb-front.ts): a call the injector picks is
 * answered as DynamoDB answers it — a throttle with 400
 * ProvisionedThroughputExceededException (what an on-demand table sends when a
 * partition is hot; the SDK retries it with its throttling backoff), an error
 * with 500 InternalServerError. Nothing reaches DynamoDB Local then.
 */
import type { DynamoDbInterceptor } from '../dynamodb/dynamodb-front';
import type { FaultInjector } from './fault-injector';

const NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

export function dynamoDbFaultInterceptor(injector: FaultInjector): DynamoDbInterceptor {
  return () => {
    switch (injector.dynamoDb()) {
      case 'throttle':
        return {
          statusCode: 400,
          type: `${NAMESPACE}#ProvisionedThroughputExceededException`,
          message:
            'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index ' +
            'so please try again shortly. (fault injected by the local runtime)',
        };
      case 'error':
        return { statusCode: 500, type: `${NAMESPACE}#InternalServerError`, message: 'Internal server error (fault injected by the local runtime)' };
      default:
        return undefined;
    }
  };
}
