/**
 * IAM for the stack's DynamoDB traffic in the local cloud: every call through
 * the DynamoDB front (local/runtime/dynamodb/dynamodb-front.ts) is evaluated
 * against the identity policies of the role whose credentials signed it — a
 * function's execution role, a state machine's role — as AWS evaluates them,
 * `dynamodb:LeadingKeys` included. In `enforce` mode a denied call gets
 * DynamoDB's AccessDeniedException and changes nothing; in `record` mode it
 * passes and is only recorded. Every evaluated call is recorded, so a test can
 * compare what each role was granted with what its code called.
 */
import type { DynamoDbInterceptor } from '../dynamodb/dynamodb-front';
import { authorizationRequests, type AuthorizedTable } from './dynamodb-actions';
import type { LocalPrincipal } from './local-callers';
import { isAllowed, type RequestContext } from './policy-evaluator';

export type AuthorizationMode = 'record' | 'enforce';

export interface AuthorizedCall {
  /** The caller, e.g. `arn:aws:sts::000000000000:assumed-role/<role>/<function>`. */
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  readonly leadingKeys?: readonly string[];
  readonly allowed: boolean;
  readonly reason: string;
}

export interface DynamoDbAuthorizer {
  readonly interceptor: DynamoDbInterceptor;
  /** Every call a role made (the administrator's are not evaluated), in order. */
  calls(): readonly AuthorizedCall[];
}

export function createDynamoDbAuthorizer(options: {
  readonly mode: AuthorizationMode;
  readonly principal: (accessKeyId: string) => LocalPrincipal | undefined;
  readonly tables: readonly AuthorizedTable[];
  readonly tableArnOf: (tableName: string) => string;
}): DynamoDbAuthorizer {
  const calls: AuthorizedCall[] = [];
  const interceptor: DynamoDbInterceptor = (call) => {
    const principal = call.accessKeyId === undefined ? undefined : options.principal(call.accessKeyId);
    if (!principal) {
      return options.mode === 'enforce'
        ? { statusCode: 400, type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' }
        : undefined;
    }
    if (principal.policy === 'administrator') return undefined;
    let denied: AuthorizedCall | undefined;
    for (const request of authorizationRequests(call, options.tables, options.tableArnOf)) {
      const context: RequestContext = request.leadingKeys ? { 'dynamodb:LeadingKeys': request.leadingKeys } : {};
      const decision = isAllowed(principal.policy, { action: request.action, resource: request.resource, context });
      const record: AuthorizedCall = { principalArn: principal.arn, ...request, allowed: decision.allowed, reason: decision.reason };
      calls.push(record);
      denied ??= decision.allowed ? undefined : record;
    }
    if (!denied || options.mode === 'record') return undefined;
    return {
      statusCode: 400,
      type: 'com.amazon.coral.service#AccessDeniedException',
      message: `User: ${denied.principalArn} is not authorized to perform: ${denied.action} on resource: ${denied.resource} because no identity-based policy allows the ${denied.action} action`,
    };
  };
  return { interceptor, calls: () => calls };
}
