/**
 * IAM for the stack's own compute in the local cloud: each function gets
 * credentials of its execution role, and every DynamoDB call it makes is
 * evaluated against that role's policies (docs/least-privilege.md).
 */
import type { LocalFunctionSpec, LocalTableSpec } from '../contracts';
import { createDynamoDbAuthorizer, type AuthorizationMode, type AuthorizedCall } from './dynamodb-authorizer';
import type { DynamoDbInterceptor } from '../dynamodb/dynamodb-front';
import type { LocalCallers, SessionCredentials } from './local-callers';

export type { AuthorizationMode, AuthorizedCall };

export interface StackIam {
  readonly mode: AuthorizationMode;
  /** The function's execution-role session credentials (undefined for a function without a role in the template). */
  credentials(spec: LocalFunctionSpec): SessionCredentials | undefined;
  /** For the DynamoDB front. */
  readonly interceptor: DynamoDbInterceptor;
  /** Every DynamoDB call a role made, with the decision. */
  calls(): readonly AuthorizedCall[];
}

export function createStackIam(options: {
  readonly mode: AuthorizationMode;
  /** Issues the functions' role sessions and knows every principal (the administrator, caller roles). */
  readonly callers: LocalCallers;
  /** Tables with their partition key attribute. */
  readonly tables: readonly (LocalTableSpec & { readonly partitionKey: string })[];
  readonly tableArnOf: (tableName: string) => string;
}): StackIam {
  const authorizer = createDynamoDbAuthorizer({
    mode: options.mode,
    principal: (key) => options.callers.principal(key),
    tables: options.tables,
    tableArnOf: options.tableArnOf,
  });
  return {
    mode: options.mode,
    credentials: (spec) => (spec.roleArn ? options.callers.serviceSession(spec.roleArn, spec.functionName) : undefined),
    interceptor: authorizer.interceptor,
    calls: () => authorizer.calls(),
  };
}
