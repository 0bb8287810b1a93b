/**
 * IAM for the stack's own compute in the local cloud: each function gets
 * credentials of its execution role, and every DynamoDB call it makes is
 * evaluated against that role's policies (docs/least-privilege.md).
 */
import type { LocalFunctionSpec, LocalTableSpec } from '../contracts';
import { createDynamoDbAuthorizer, type AuthorizationMode, type AuthorizedCall } from './dynamodb-authorizer';
import type { DynamoDbInterceptor } from '../dynamodb/dynamodb-front';
import type { LocalPrincipal } from './local-callers';
import { ServiceSessions, type SessionCredentials } from './service-sessions';
import type { TemplateRole } from './template-roles';

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
  readonly roles: () => readonly TemplateRole[];
  /** Tables with their partition key attribute. */
  readonly tables: readonly (LocalTableSpec & { readonly partitionKey: string })[];
  /** Callers other than the stack's own functions (the administrator, caller roles). */
  readonly otherPrincipal: (accessKeyId: string) => LocalPrincipal | undefined;
  readonly tableArnOf: (tableName: string) => string;
}): StackIam {
  const sessions = new ServiceSessions(options.roles);
  const authorizer = createDynamoDbAuthorizer({
    mode: options.mode,
    principal: (key) => sessions.principal(key) ?? options.otherPrincipal(key),
    tables: options.tables,
    tableArnOf: options.tableArnOf,
  });
  return {
    mode: options.mode,
    credentials: (spec) => (spec.roleArn ? sessions.credentials(spec.roleArn, spec.functionName) : undefined),
    interceptor: authorizer.interceptor,
    calls: () => authorizer.calls(),
  };
}
