/** The resource ARN API Gateway authorizes a call against: `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. */
import { LOCAL_AWS, type LocalApiSpec } from '../contracts';

export function executeApiArn(api: Pick<LocalApiSpec, 'restApiId' | 'stageName'>, method: string, path: string): string {
  const resourcePath = path.startsWith('/') ? path.slice(1) : path;
  return `arn:${LOCAL_AWS.partition}:execute-api:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:${api.restApiId}/${api.stageName}/${method.toUpperCase()}/${resourcePath}`;
}
