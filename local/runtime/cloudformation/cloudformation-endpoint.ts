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
import { AwsServiceError, type HttpEndpoint } from '../contracts';
import { queryError, queryForm, queryResponse, xmlText, type QueryService } from '../http/aws-query';
import type { LocalStack } from './local-stacks';

const CLOUDFORMATION: QueryService = {
  signingName: 'cloudformation',
  apiVersion: '2010-05-15',
  xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  internalErrorCode: 'InternalFailure',
};

export function createCloudFormationEndpoint(stacks: readonly LocalStack[]): HttpEndpoint {
  return (request) => {
    const form = queryForm(request, CLOUDFORMATION);
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
      return Promise.resolve(queryResponse(CLOUDFORMATION, action, `<Stacks>${found.map(stackMember).join('')}</Stacks>`, requestId));
    } catch (error) {
      return Promise.resolve(queryError(CLOUDFORMATION, error, requestId));
    }
  };
}

function stackMember(stack: LocalStack): string {
  const outputs = stack.outputs.map(
    (o) =>
      `<member>${xmlText('OutputKey', o.key)}${xmlText('OutputValue', o.value)}` +
      `${o.description === undefined ? '' : xmlText('Description', o.description)}${o.exportName === undefined ? '' : xmlText('ExportName', o.exportName)}</member>`,
  );
  return (
    '<member>' +
    xmlText('StackName', stack.stackName) +
    xmlText('StackId', stack.stackId) +
    (stack.description === undefined ? '' : xmlText('Description', stack.description)) +
    xmlText('CreationTime', stack.creationTime.toISOString()) +
    xmlText('StackStatus', 'CREATE_COMPLETE') +
    xmlText('DisableRollback', 'false') +
    `<Outputs>${outputs.join('')}</Outputs>` +
    '</member>'
  );
}
