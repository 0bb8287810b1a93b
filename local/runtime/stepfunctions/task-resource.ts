/**
 * Reads a Task's `Resource`: a plain Lambda function ARN, or a Step Functions
 * service integration `arn:aws:states:::<service>:<action>[.<pattern>]`
 * (`aws-sdk:<service>:<action>` for SDK integrations).
 */
import { LOCAL_WAIT_RESOURCE } from './definition';

export type IntegrationPattern = 'request' | 'sync' | 'sync:2' | 'waitForTaskToken';

export type TaskResource =
  | { readonly kind: 'lambda-function'; readonly arn: string }
  | { readonly kind: 'integration'; readonly service: string; readonly action: string; readonly pattern: IntegrationPattern }
  | { readonly kind: 'local-wait' };

const LAMBDA_FUNCTION_ARN = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const INTEGRATION_ARN = /^arn:[a-z-]+:states:::(aws-sdk:[a-z0-9]+|[a-z0-9]+):([A-Za-z0-9]+)(?:\.(sync:2|sync|waitForTaskToken))?$/;

export function parseTaskResource(resource: string): TaskResource | undefined {
  if (resource === LOCAL_WAIT_RESOURCE) return { kind: 'local-wait' };
  if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: 'lambda-function', arn: resource };
  const match = INTEGRATION_ARN.exec(resource);
  if (!match?.[1] || !match[2]) return undefined;
  const pattern = (match[3] ?? 'request') as IntegrationPattern;
  return { kind: 'integration', service: match[1], action: match[2], pattern };
}

/** The `resourceType` / `resource` pair AWS's history shows for an integration, e.g. `sns` / `publish.waitForTaskToken`. */
export function historyResourceName(resource: { service: string; action: string; pattern: IntegrationPattern }): {
  resourceType: string;
  resource: string;
} {
  return { resourceType: resource.service, resource: resource.pattern === 'request' ? resource.action : `${resource.action}.${resource.pattern}` };
}
