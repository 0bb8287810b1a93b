/**
 * The local API Gateway (REST API, v1 proxy integrations): maps the template's
 * routes to their Lambda functions and answers as API Gateway does, including
 * its gateway responses (403 "Missing Authentication Token" for unknown routes,
 * SigV4 errors for AWS_IAM routes, 502 for a failed or malformed Lambda answer).
 *
 * URLs:
 * - `/restapis/<restApiId>/<stage>/_user_request_/<path>`: always (LocalStack's form);
 * - `/<stage>/<path>`: the path of the API's own execute-api host, served when
 *   exactly one API has a stage of that name (otherwise use the long form).
 *
 * AWS_IAM routes: the signature is verified with the secret of the caller's
 * access key, then the caller's identity policies are evaluated for
 * `execute-api:Invoke` on `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`
 * (local/runtime/iam/); the account's administrator is allowed everything.
 *
 * Not emulated: resource policies, session tokens, presigned-URL (query
 * string) signatures, authorizers other than AWS_IAM, non-proxy integrations,
 * binary media types, stage variables.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import { executeApiArn } from '../iam/execute-api';
import { LOCAL_ADMINISTRATOR, type LocalPrincipal } from '../iam/local-callers';
import { isAllowed } from '../iam/policy-evaluator';
import {
  LOCAL_AWS,
  type HttpEndpoint,
  type HttpRequest,
  type HttpResponse,
  type LambdaInvoker,
  type LocalApiSpec,
  type LocalRouteSpec,
} from '../contracts';

export interface ApiGatewayEndpointOptions {
  /** The caller behind an access key id (its secret and policies), or undefined for an unknown key (AWS_IAM routes). */
  readonly credentials: (accessKeyId: string) => LocalPrincipal | undefined;
  /** API Gateway stops waiting for an integration after 29 s and answers 504. */
  readonly integrationTimeoutMs?: number;
  /** Says why a request got a 5xx (the handler's error, a malformed result); default: stderr. */
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

/** Knows only the local credentials (LOCAL_AWS.credentials): the account's administrator. */
export function localCredentials(accessKeyId: string): LocalPrincipal | undefined {
  return accessKeyId === LOCAL_ADMINISTRATOR.accessKeyId ? LOCAL_ADMINISTRATOR : undefined;
}

/** The long-form URL path of a resource path of an API: `/restapis/<id>/<stage>/_user_request_/<path>`. */
export function apiGatewayPath(api: LocalApiSpec, path: string): string {
  return `/restapis/${api.restApiId}/${api.stageName}/_user_request_${path.startsWith('/') ? path : `/${path}`}`;
}

const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;
/** SigV4 requests must be signed within 5 minutes of the server's clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function createApiGatewayEndpoint(
  apis: readonly LocalApiSpec[],
  lambda: LambdaInvoker,
  options: ApiGatewayEndpointOptions,
): HttpEndpoint {
  const log = options.log ?? ((line: string) => process.stderr.write(`[api-gateway] ${line}\n`));
  const context: GatewayContext = {
    lambda,
    credentials: options.credentials,
    now: options.now ?? (() => new Date()),
    integrationTimeoutMs: options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS,
    log,
  };
  return async (request) => {
    const target = locate(apis, request.path);
    if (target === undefined) return undefined;
    const requestId = randomUUID();
    try {
      if ('unknownApiId' in target) return gatewayResponse(404, 'NotFoundException', `Invalid API identifier specified ${LOCAL_AWS.accountId}:${target.unknownApiId}`, requestId);
      return await serve(target, request, requestId, context);
    } catch (error) {
      log(`${request.method} ${request.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return internalServerError(500, requestId);
    }
  };
}

interface GatewayContext {
  readonly lambda: LambdaInvoker;
  readonly credentials: (accessKeyId: string) => LocalPrincipal | undefined;
  readonly now: () => Date;
  readonly integrationTimeoutMs: number;
  readonly log: (line: string) => void;
}

interface Target {
  readonly api: LocalApiSpec;
  /** The stage the URL names (may not be the API's). */
  readonly stage: string;
  /** The path after the stage, as received (percent-encoded), at least `/`. */
  readonly path: string;
}

async function serve(target: Target, request: HttpRequest, requestId: string, context: GatewayContext): Promise<HttpResponse> {
  const { api } = target;
  const match = target.stage === api.stageName ? matchRoute(api.routes, request.method, target.path) : undefined;
  if (match === undefined) return missingAuthenticationToken(requestId);
  const { route } = match;

  let identity: CallerIdentity | undefined;
  if (route.authorization === 'AWS_IAM') {
    const verified = await verifySignature(request, context.credentials, context.now());
    if ('rejection' in verified) return gatewayResponse(403, verified.rejection.type, verified.rejection.message, requestId);
    identity = verified;
    const denied = authorize(identity.principal, target, request.method);
    if (denied !== undefined) return denied(requestId);
  } else if (route.authorization !== 'NONE') {
    return gatewayResponse(500, 'InternalServerErrorException', `Authorization type ${route.authorization} is not supported by the local API Gateway (only NONE and AWS_IAM are)`, requestId);
  }
  if (route.integrationType !== 'AWS_PROXY' || route.functionArn === undefined) {
    return gatewayResponse(500, 'InternalServerErrorException', `Integration type ${route.integrationType} is not supported by the local API Gateway (only AWS_PROXY to a Lambda function is)`, requestId);
  }

  const event = proxyEvent({ target, route, pathParameters: match.pathParameters, request, identity, requestId, now: context.now() });
  const outcome = await invokeWithTimeout(context, route.functionArn, event);
  if (outcome === 'timeout') return gatewayResponse(504, undefined, 'Endpoint request timed out', requestId);
  if (outcome.functionError !== undefined) {
    context.log(`${request.method} ${request.path}: Lambda ${route.functionArn} failed: ${JSON.stringify(outcome.payload)}`);
    return internalServerError(502, requestId);
  }
  const response = proxyResponse(outcome.payload, requestId);
  if (typeof response === 'string') {
    context.log(`${request.method} ${request.path}: malformed Lambda proxy response (${response}): ${JSON.stringify(outcome.payload)}`);
    return internalServerError(502, requestId);
  }
  return response;
}

async function invokeWithTimeout(context: GatewayContext, functionArn: string, event: APIGatewayProxyEvent) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), context.integrationTimeoutMs);
  });
  try {
    return await Promise.race([context.lambda.invoke(functionArn, event), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- which API, stage and route

function locate(apis: readonly LocalApiSpec[], path: string): Target | { unknownApiId: string } | undefined {
  const long = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/.exec(path);
  if (long) {
    const [, apiId = '', stage = '', rest] = long;
    const api = apis.find((candidate) => candidate.restApiId === apiId);
    return api ? { api, stage, path: rest ?? '/' } : { unknownApiId: apiId };
  }
  const short = /^\/([^/]+)(\/.*)?$/.exec(path);
  if (!short) return undefined;
  const [, stage = '', rest] = short;
  const withStage = apis.filter((api) => api.stageName === stage);
  // Two APIs with the same stage name cannot share the short form; the long form tells them apart.
  const [api] = withStage;
  return api && withStage.length === 1 ? { api, stage, path: rest ?? '/' } : undefined;
}

interface RouteMatch {
  readonly route: LocalRouteSpec;
  readonly pathParameters: Readonly<Record<string, string>> | null;
}

/**
 * API Gateway picks the most specific resource first (literal segments beat
 * `{param}`, which beats `{proxy+}`), then the method on it (exact beats ANY).
 * A known resource without the method is as unknown as a missing path.
 */
function matchRoute(routes: readonly LocalRouteSpec[], method: string, path: string): RouteMatch | undefined {
  const segments = splitPath(path);
  let best: { resourcePath: string; params: Record<string, string>; rank: number[] } | undefined;
  for (const resourcePath of new Set(routes.map((route) => route.path))) {
    const matched = matchResource(resourcePath, segments);
    if (matched && (best === undefined || compareRanks(matched.rank, best.rank) < 0)) best = { resourcePath, ...matched };
  }
  if (best === undefined) return undefined;
  const onResource = routes.filter((route) => route.path === best.resourcePath);
  const route = onResource.find((r) => r.method.toUpperCase() === method) ?? onResource.find((r) => r.method.toUpperCase() === 'ANY');
  if (route === undefined) return undefined;
  return { route, pathParameters: Object.keys(best.params).length > 0 ? best.params : null };
}

const LITERAL = 0;
const PARAMETER = 1;
const GREEDY = 2;

function matchResource(resourcePath: string, segments: readonly string[]): { params: Record<string, string>; rank: number[] } | undefined {
  const parts = splitPath(resourcePath);
  const params: Record<string, string> = {};
  const rank: number[] = [];
  for (const [index, part] of parts.entries()) {
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy?.[1] !== undefined) {
      if (index !== parts.length - 1 || segments.length <= index) return undefined;
      params[greedy[1]] = segments.slice(index).map(decodeSegment).join('/');
      rank.push(GREEDY);
      return { params, rank };
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter?.[1] !== undefined) {
      params[parameter[1]] = decodeSegment(segment); // API Gateway decodes path parameters (not `path`)
      rank.push(PARAMETER);
    } else if (part === decodeSegment(segment)) {
      rank.push(LITERAL);
    } else {
      return undefined;
    }
  }
  return segments.length === parts.length ? { params, rank } : undefined;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return b.length - a.length; // same prefix: the longer (more specific) resource wins
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// ---------------------------------------------------------------- AWS_IAM: the caller's policies

/**
 * Evaluates the caller's identity policies for execute-api:Invoke on the
 * method and path called; undefined when allowed, else API Gateway's 403.
 */
function authorize(principal: LocalPrincipal, target: Target, method: string): ((requestId: string) => HttpResponse) | undefined {
  if (principal.policy === 'administrator') return undefined;
  const resource = executeApiArn(target.api, method, target.path);
  const decision = isAllowed(principal.policy, {
    action: 'execute-api:Invoke',
    resource,
    context: { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': LOCAL_AWS.accountId, 'aws:SecureTransport': false },
  });
  if (decision.allowed) return undefined;
  const explicit = decision.matchedStatement?.Effect === 'Deny' ? ' with an explicit deny' : '';
  const message = `User: ${principal.arn} is not authorized to perform: execute-api:Invoke on resource: ${resource}${explicit}`;
  // API Gateway spells this one's field "Message".
  return (requestId) => ({ ...gatewayResponse(403, 'AccessDeniedException', message, requestId), body: JSON.stringify({ Message: message }) });
}

// ---------------------------------------------------------------- AWS_IAM: SigV4 verification

interface CallerIdentity {
  readonly accessKeyId: string;
  readonly principal: LocalPrincipal;
}

interface Rejection {
  readonly rejection: { readonly type: string; readonly message: string };
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Exposes the canonical-request steps of the SDK's signer, to recompute a received request's signature. */
class SignatureCheck extends SignatureV4 {
  canonicalRequest(...args: Parameters<SignatureV4['createCanonicalRequest']>): string {
    return this.createCanonicalRequest(...args);
  }

  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
  }
}

type SignableRequest = Parameters<SignatureV4['createCanonicalRequest']>[0];

/**
 * Recomputes the signature of the request as received (method, raw path and
 * query, the signed headers, the body's hash) with the secret of its access
 * key, and compares it in constant time.
 */
async function verifySignature(
  request: HttpRequest,
  credentials: (accessKeyId: string) => LocalPrincipal | undefined,
  now: Date,
): Promise<CallerIdentity | Rejection> {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') return reject('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const auth = parseAuthorization(header);
  const amzDate = request.headers['x-amz-date'];
  if ('missing' in auth || amzDate === undefined) {
    const missing = 'missing' in auth ? [...auth.missing] : [];
    if (amzDate === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    return reject('IncompleteSignatureException', `${missing.join(' ')} Authorization=${header}`);
  }
  if (auth.service !== 'execute-api') return reject('InvalidSignatureException', "Credential should be scoped to correct service: 'execute-api'. ");
  const principal = credentials(auth.accessKeyId);
  if (principal === undefined) return reject('UnrecognizedClientException', 'The security token included in the request is invalid.');

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return reject('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (signedAt.getTime() < now.getTime() - MAX_CLOCK_SKEW_MS) {
    return reject('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${amzFormat(now.getTime() - MAX_CLOCK_SKEW_MS)} (${amzFormat(now.getTime())} - 5 min.)`);
  }
  if (signedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return reject('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${amzFormat(now.getTime() + MAX_CLOCK_SKEW_MS)} (${amzFormat(now.getTime())} + 5 min.)`);
  }
  if (auth.date !== amzDate.slice(0, 8)) {
    return reject('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  const mismatch = await signatureMismatch(request, auth, amzDate, signedAt, principal.secretAccessKey);
  return mismatch === undefined ? { accessKeyId: auth.accessKeyId, principal } : reject('InvalidSignatureException', mismatch);
}

/** Undefined when the signature is right; otherwise AWS's message, with the canonical request it expected. */
async function signatureMismatch(request: HttpRequest, auth: ParsedAuthorization, amzDate: string, signedAt: Date, secret: string): Promise<string | undefined> {
  const signed: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return SIGNATURE_MISMATCH;
    signed[name] = value;
  }
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== bodyHash) return SIGNATURE_MISMATCH;

  const queryAt = request.rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? request.rawUrl : request.rawUrl.slice(0, queryAt);
  const query = parseRawQuery(queryAt < 0 ? '' : request.rawUrl.slice(queryAt + 1));
  if (query === undefined) return SIGNATURE_MISMATCH;

  const signable: SignableRequest = { method: request.method, protocol: 'http:', hostname: signed.host ?? '', path: rawPath, query, headers: signed };
  const checker = new SignatureCheck({
    service: auth.service,
    region: auth.region,
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
    sha256: Sha256,
  });
  const canonical = checker.canonicalRequest(signable, getCanonicalHeaders(signable, undefined, new Set(auth.signedHeaders)), declaredHash ?? bodyHash);
  const stringToSign = await checker.stringToSign(amzDate, `${auth.date}/${auth.region}/${auth.service}/aws4_request`, canonical);
  const expected = await checker.sign(stringToSign, { signingDate: signedAt, signingRegion: auth.region, signingService: auth.service });
  const [a, b] = [Buffer.from(expected), Buffer.from(auth.signature)];
  if (a.length === b.length && timingSafeEqual(a, b)) return undefined;
  return `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`;
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
function parseAuthorization(header: string): ParsedAuthorization | { missing: string[] } {
  const [algorithm, ...rest] = header.trim().split(/\s+/);
  const fields = new Map<string, string>();
  if (algorithm === 'AWS4-HMAC-SHA256') {
    for (const pair of rest.join('').split(',')) {
      const at = pair.indexOf('=');
      if (at > 0) fields.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    ...(credential?.length === 5 && credential[4] === 'aws4_request' ? [] : ["Authorization header requires 'Credential' parameter."]),
    ...(signature ? [] : ["Authorization header requires 'Signature' parameter."]),
    ...(signedHeaders ? [] : ["Authorization header requires 'SignedHeaders' parameter."]),
  ];
  const [accessKeyId, date, region, service] = credential ?? [];
  if (missing.length > 0 || !accessKeyId || !date || !region || !service || !signedHeaders || !signature) return { missing };
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.toLowerCase().split(';'), signature };
}

/** `20240131T235959Z` → Date. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function amzFormat(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The query as the client signed it: decoded names and values, repeated names as arrays ('+' stays '+'). */
function parseRawQuery(raw: string): Record<string, string | string[]> | undefined {
  const query: Record<string, string | string[]> = {};
  try {
    for (const pair of raw.split('&').filter((p) => p.length > 0)) {
      const at = pair.indexOf('=');
      const name = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1));
      const existing = query[name];
      query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
  } catch {
    return undefined; // malformed percent-encoding cannot have been signed by a correct client
  }
  return query;
}

function reject(type: string, message: string): Rejection {
  return { rejection: { type, message } };
}

// ---------------------------------------------------------------- the proxy event and the handler's answer

interface EventInput {
  readonly target: Target;
  readonly route: LocalRouteSpec;
  readonly pathParameters: Readonly<Record<string, string>> | null;
  readonly request: HttpRequest;
  readonly identity: CallerIdentity | undefined;
  readonly requestId: string;
  readonly now: Date;
}

/** The REST API (payload format 1.0) proxy event, as API Gateway builds it. */
function proxyEvent({ target, route, pathParameters, request, identity, requestId, now }: EventInput): APIGatewayProxyEvent {
  const { api } = target;
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of request.query) (multiValueQuery[name] ??= []).push(value);
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  const host = request.headers.host ?? 'localhost';
  // API Gateway tells the integration the scheme the client used; this server speaks plain HTTP.
  const headers: Record<string, string> = { 'x-forwarded-proto': 'http', ...request.headers };
  const callerIdentity: APIGatewayEventIdentity = {
    accessKey: identity?.accessKeyId ?? null,
    accountId: identity ? LOCAL_AWS.accountId : null,
    apiKey: null,
    apiKeyId: null,
    caller: identity?.principal.userId ?? null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    // The server sits on loopback; a proxy in front of it may say who the client was.
    sourceIp: request.headers['x-forwarded-for']?.split(',')[0]?.trim() ?? '127.0.0.1',
    user: identity?.principal.userId ?? null,
    userAgent: request.headers['user-agent'] ?? null,
    userArn: identity?.principal.arn ?? null,
  };
  return {
    resource: route.path,
    path: target.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(multiValueQuery).map(([name, values]) => [name, values.at(-1)])) : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: pathParameters === null ? null : { ...pathParameters },
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_AWS.accountId,
      apiId: api.restApiId,
      authorizer: undefined,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      extendedRequestId: randomBytes(12).toString('base64url'),
      httpMethod: request.method,
      identity: callerIdentity,
      path: `/${api.stageName}${target.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: clfTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: createHash('sha256').update(`${api.restApiId}${route.path}`).digest('hex').slice(0, 6),
      resourcePath: route.path,
      stage: api.stageName,
    },
    body: request.body.length > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}

/** `31/Jan/2024:23:59:59 +0000`, API Gateway's requestTime. */
function clfTime(date: Date): string {
  const [weekdayless, time] = [date.toUTCString().slice(5, 16).split(' '), date.toISOString().slice(11, 19)];
  const [day, month, year] = weekdayless;
  return `${day}/${month}/${year}:${time} +0000`;
}

const PROXY_RESULT_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
/** Headers API Gateway sets itself; the handler's values are passed on as `x-amzn-Remapped-<name>`. */
const REMAPPED_HEADERS = new Set(['connection', 'content-length', 'date', 'server', 'transfer-encoding', 'x-amzn-requestid', 'x-amzn-trace-id']);

/** Maps the handler's `{statusCode, headers, multiValueHeaders, body, isBase64Encoded}`; a string says why it is malformed. */
function proxyResponse(payload: unknown, requestId: string): HttpResponse | string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'the result is not an object';
  const result = payload as Record<string, unknown>;
  const unexpected = Object.keys(result).filter((key) => !PROXY_RESULT_KEYS.has(key));
  if (unexpected.length > 0) return `unexpected fields ${unexpected.join(', ')}`;
  const statusCode = typeof result.statusCode === 'string' && /^\d+$/.test(result.statusCode) ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return 'statusCode is not an HTTP status';
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return 'body is not a string';

  const headers: Record<string, string> = {};
  const single = result.headers ?? {};
  const multi = result.multiValueHeaders ?? {};
  if (typeof single !== 'object' || single === null || typeof multi !== 'object' || multi === null) return 'headers are not objects';
  for (const [name, value] of Object.entries(single as Record<string, unknown>)) {
    if (!isHeaderValue(value)) return `header ${name} is not a string, number or boolean`;
    setHeader(headers, name, String(value));
  }
  // Where both name a header, multiValueHeaders wins (as in API Gateway); repeated values are joined.
  for (const [name, values] of Object.entries(multi as Record<string, unknown>)) {
    if (!Array.isArray(values) || !values.every(isHeaderValue)) return `multiValueHeaders.${name} is not a list of strings`;
    setHeader(headers, name, values.map(String).join(', '));
  }
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';

  const body = typeof result.body === 'string' ? result.body : '';
  return {
    statusCode,
    headers: { ...headers, ...gatewayHeaders(requestId) },
    body: result.isBase64Encoded === true ? Buffer.from(body, 'base64') : body,
  };
}

function isHeaderValue(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === lower) delete headers[existing];
  headers[REMAPPED_HEADERS.has(lower) ? `x-amzn-remapped-${lower}` : name] = value;
}

// ---------------------------------------------------------------- gateway responses

function gatewayHeaders(requestId: string): Record<string, string> {
  return {
    'x-amzn-requestid': requestId,
    'x-amz-apigw-id': randomBytes(6).toString('base64url'),
    'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
  };
}

/** API Gateway's own answers: JSON `{"message": …}` and the error type in `x-amzn-ErrorType`. */
function gatewayResponse(statusCode: number, errorType: string | undefined, message: string, requestId: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...(errorType !== undefined && { 'x-amzn-errortype': errorType }), ...gatewayHeaders(requestId) },
    body: JSON.stringify({ message }),
  };
}

function missingAuthenticationToken(requestId: string): HttpResponse {
  return gatewayResponse(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', requestId);
}

/** Byte for byte what API Gateway sends for a failed integration (note the space after the colon). */
function internalServerError(statusCode: 500 | 502, requestId: string): HttpResponse {
  return { ...gatewayResponse(statusCode, 'InternalServerErrorException', '', requestId), body: '{"message": "Internal server error"}' };
}
