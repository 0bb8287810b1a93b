/**
 * The AWS Query protocol's common parts, shared by the local services that speak
 * it (SNS, CloudFormation): recognising a service's form-urlencoded request, and
 * the XML of its answers and errors. An error document's Code is what the SDK
 * maps to its exception (`NotFound` → NotFoundException).
 */
import { AwsServiceError, type HttpRequest, type HttpResponse } from '../contracts';

export interface QueryService {
  /** The signing name in a SigV4 credential scope, e.g. `sns`. */
  readonly signingName: string;
  readonly apiVersion: string;
  /** `xmlns` of every answer, e.g. `http://sns.amazonaws.com/doc/2010-03-31/`. */
  readonly xmlNamespace: string;
  /** Whether a request without `Version` is still this service's (SNS: yes). */
  readonly versionOptional?: boolean;
  /** The Code of an unexpected error (SNS `InternalError`, CloudFormation `InternalFailure`). */
  readonly internalErrorCode: string;
}

/** The request's form if it is a Query request for this service; undefined leaves it to the next endpoint. */
export function queryForm(request: HttpRequest, service: QueryService): URLSearchParams | undefined {
  if (request.method !== 'POST') return undefined;
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  // JSON protocols (Step Functions, DynamoDB) name their operation in x-amz-target.
  if (request.headers['x-amz-target'] !== undefined) return undefined;
  // Authorization is not checked (loopback, fixed local credentials); the credential scope only routes.
  const signedFor = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
  if (signedFor !== undefined && signedFor !== service.signingName) return undefined;
  const form = new URLSearchParams(request.body.toString('utf8'));
  if (!form.has('Action')) return undefined;
  // Another Query service (STS, CloudWatch) would send its own API version.
  const version = form.get('Version');
  if (version === null ? !service.versionOptional : version !== service.apiVersion) return undefined;
  return form;
}

/** `<ActionResponse>` with the result XML (none when the action's response has no result element). */
export function queryResponse(service: QueryService, action: string, result: string | undefined, requestId: string): HttpResponse {
  const resultElement = result === undefined ? '' : `<${action}Result>${result}</${action}Result>`;
  return xml(
    200,
    `<${action}Response xmlns="${service.xmlNamespace}">${resultElement}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    requestId,
  );
}

/** Any error becomes AWS's error document; errors that are not AwsServiceErrors are the service's fault (500). */
export function queryError(service: QueryService, error: unknown, requestId: string): HttpResponse {
  const known = error instanceof AwsServiceError;
  const statusCode = known ? error.statusCode : 500;
  const code = known ? error.code : service.internalErrorCode;
  const message = error instanceof Error ? error.message : String(error);
  const type = statusCode >= 500 ? 'Receiver' : 'Sender';
  const detail = `<Error><Type>${type}</Type>${xmlText('Code', code)}${xmlText('Message', message)}</Error>`;
  return xml(statusCode, `<ErrorResponse xmlns="${service.xmlNamespace}">${detail}<RequestId>${requestId}</RequestId></ErrorResponse>`, requestId);
}

function xml(statusCode: number, body: string, requestId: string): HttpResponse {
  return { statusCode, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

export function xmlText(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

/** Escapes the five XML specials (and CR) and drops characters XML 1.0 cannot carry at all. */
export function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;'); // a raw CR would be read back as LF
}
