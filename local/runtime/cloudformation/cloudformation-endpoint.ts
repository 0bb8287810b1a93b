/**
 * CloudFormation over HTTP in the AWS Query protocol (form-urlencoded POST with
 * `Action=…&Version=2010-05-15`, answered in XML), as @aws-sdk/client-cloudformation
 * and the AWS CLI speak it. Only `DescribeStacks` is served: it is how tools
 * (ops/stage.ts, `aws cloudformation describe-stacks`) find a stage's API URL,
 * table and state machines from its outputs. An unknown stack is AWS's
 * `ValidationError` ("Stack with id … does not exist"), which the SDK raises as
 * a CloudFormationServiceException with that name.
 *
 * As for SNS, authorization is not checked (loopback only, fixed local
 * credentials); the credential scope is read only to pass requests signed for
 * another service to the next endpoint.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, type HttpEndpoint, type HttpRequest, type HttpResponse } from '../contracts';
import { escapeXml } from '../sns/sns-endpoint';
import type { LocalStack } from './local-stacks';

const XML_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const API_VERSION = '2010-05-15';

export function createCloudFormationEndpoint(stacks: readonly LocalStack[]): HttpEndpoint {
  return (request) => {
    const form = cloudFormationForm(request);
    if (!form) return Promise.resolve(undefined);
    const requestId = randomUUID();
    try {
      const action = form.get('Action') ?? '';
      if (action !== 'DescribeStacks') {
        throw new AwsServiceError('InvalidAction', `The action ${action} is not served by the local CloudFormation endpoint (only DescribeStacks).`);
      }
      const wanted = form.get('StackName');
      const found = stacks.filter((s) => wanted === null || s.stackName === wanted || s.stackId === wanted);
      if (wanted !== null && found.length === 0) throw new AwsServiceError('ValidationError', `Stack with id ${wanted} does not exist`);
      return Promise.resolve(success(action, `<Stacks>${found.map(stackMember).join('')}</Stacks>`, requestId));
    } catch (error) {
      return Promise.resolve(failure(error, requestId));
    }
  };
}

/** The request's form if it is a CloudFormation Query request; undefined leaves it to the next endpoint. */
function cloudFormationForm(request: HttpRequest): URLSearchParams | undefined {
  if (request.method !== 'POST') return undefined;
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  if (request.headers['x-amz-target'] !== undefined) return undefined;
  const service = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
  if (service !== undefined && service !== 'cloudformation') return undefined;
  const form = new URLSearchParams(request.body.toString('utf8'));
  return form.has('Action') && form.get('Version') === API_VERSION ? form : undefined;
}

function stackMember(stack: LocalStack): string {
  const outputs = stack.outputs.map(
    (o) =>
      `<member>${text('OutputKey', o.key)}${text('OutputValue', o.value)}` +
      `${o.description === undefined ? '' : text('Description', o.description)}${o.exportName === undefined ? '' : text('ExportName', o.exportName)}</member>`,
  );
  return (
    '<member>' +
    text('StackName', stack.stackName) +
    text('StackId', stack.stackId) +
    (stack.description === undefined ? '' : text('Description', stack.description)) +
    text('CreationTime', stack.creationTime.toISOString()) +
    text('StackStatus', 'CREATE_COMPLETE') +
    text('DisableRollback', 'false') +
    `<Outputs>${outputs.join('')}</Outputs>` +
    '</member>'
  );
}

function success(action: string, result: string, requestId: string): HttpResponse {
  return xml(
    200,
    `<${action}Response xmlns="${XML_NAMESPACE}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    requestId,
  );
}

function failure(error: unknown, requestId: string): HttpResponse {
  const known = error instanceof AwsServiceError;
  const statusCode = known ? error.statusCode : 500;
  const code = known ? error.code : 'InternalFailure';
  const message = error instanceof Error ? error.message : String(error);
  const type = statusCode >= 500 ? 'Receiver' : 'Sender';
  return xml(
    statusCode,
    `<ErrorResponse xmlns="${XML_NAMESPACE}"><Error><Type>${type}</Type>${text('Code', code)}${text('Message', message)}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    requestId,
  );
}

function xml(statusCode: number, body: string, requestId: string): HttpResponse {
  return { statusCode, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

function text(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}
