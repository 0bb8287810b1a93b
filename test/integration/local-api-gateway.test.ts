import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_AWS, type LocalApiSpec } from '../../local/runtime/contracts';
import { apiGatewayPath, createApiGatewayEndpoint, localCredentials } from '../../local/runtime/http/api-gateway';
import { startHttpServer, type LocalHttpServer } from '../../local/runtime/http/server';
import { LocalLambdaRunner } from '../../local/runtime/lambda';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { signedFetch, withoutHost } from '../support/signed-fetch';
import { handlerSpec, synthesizeRuntimeFixture, type SynthesizedFixture } from '../fixtures/local-lambda/specs';

/** What the fixture Worker answers to a proxy event. */
interface WorkerEcho {
  method: string;
  resource: string;
  path: string;
  pathParameters: Record<string, string> | null;
  greeting: string;
  accessKey: string | null;
  body: string | null;
}


describe('local API Gateway', () => {
  const gatewayLog: string[] = [];
  let fixture: SynthesizedFixture;
  let runner: LocalLambdaRunner;
  let server: LocalHttpServer;
  let api: LocalApiSpec;
  const url = (path: string) => new URL(path, server.url);

  const testApi: LocalApiSpec = {
    logicalId: 'TestApi',
    restApiId: 'tst4api5id',
    name: 'TestApi',
    stageName: 'test',
    routes: [
      { method: 'ANY', path: '/echo/{proxy+}', authorization: 'NONE', functionArn: handlerSpec('Echo', 'echoEvent').arn, integrationType: 'AWS_PROXY' },
      { method: 'GET', path: '/echo/exact', authorization: 'NONE', functionArn: handlerSpec('Echo', 'echoEvent').arn, integrationType: 'AWS_PROXY' },
      { method: 'GET', path: '/throws', authorization: 'NONE', functionArn: handlerSpec('Thrower', 'throwString').arn, integrationType: 'AWS_PROXY' },
      { method: 'GET', path: '/malformed', authorization: 'NONE', functionArn: handlerSpec('Inspector', 'inspect').arn, integrationType: 'AWS_PROXY' },
      { method: 'GET', path: '/cognito', authorization: 'COGNITO_USER_POOLS', functionArn: handlerSpec('Echo', 'echoEvent').arn, integrationType: 'AWS_PROXY' },
    ],
  };

  beforeAll(async () => {
    fixture = synthesizeRuntimeFixture('api-gateway-test-table');
    api = fixture.api;
    runner = new LocalLambdaRunner(
      [fixture.worker, handlerSpec('Echo', 'echoEvent'), handlerSpec('Thrower', 'throwString'), handlerSpec('Inspector', 'inspect')],
      { baseEnvironment: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, log: () => undefined },
    );
    server = await startHttpServer([
      createApiGatewayEndpoint([api, testApi], runner, { credentials: localCredentials, log: (line) => gatewayLog.push(line) }),
    ]);
  });

  afterAll(async () => {
    await server?.close();
    await runner?.close();
    fixture?.remove();
  });

  test('an unsigned GET on the open route reaches the Worker with its path parameters and template environment', async () => {
    const response = await fetch(url('/v1/items-open/42'));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject<Partial<WorkerEcho>>({
      method: 'GET',
      resource: '/items-open/{id}',
      path: '/items-open/42',
      pathParameters: { id: '42' },
      greeting: 'hello from the template',
      accessKey: null,
    });
  });

  test('an unsigned POST on the AWS_IAM route is refused with 403 Missing Authentication Token', async () => {
    const response = await fetch(url('/v1/items'), { method: 'POST', body: '{}' });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.text()).toBe('{"message":"Missing Authentication Token"}');
  });

  test('a POST signed with the local credentials reaches the Worker, which sees the caller access key', async () => {
    const body = JSON.stringify({ name: 'geese', quantity: 10 });

    const response = await signedFetch(url('/v1/items'), { method: 'POST', body });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject<Partial<WorkerEcho>>({ method: 'POST', resource: '/items', accessKey: LOCAL_AWS.credentials.accessKeyId, body });
  });

  test('a POST signed with a wrong secret is refused with 403 InvalidSignatureException', async () => {
    const response = await signedFetch(url('/v1/items'), {
      method: 'POST',
      body: '{}',
      credentials: { accessKeyId: LOCAL_AWS.credentials.accessKeyId, secretAccessKey: 'not-the-secret' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
    expect(message).toContain("The Canonical String for this request should have been\n'POST\n/v1/items\n");
  });

  test('a POST signed by an unknown access key is refused with 403 "The security token included in the request is invalid."', async () => {
    const response = await signedFetch(url('/v1/items'), { method: 'POST', body: '{}', credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' } });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    expect(await response.json()).toEqual({ message: 'The security token included in the request is invalid.' });
  });

  test('a POST signed ten minutes ago is refused with 403 Signature expired', async () => {
    const response = await signedFetch(url('/v1/items'), { method: 'POST', body: '{}', signingDate: new Date(Date.now() - 10 * 60 * 1000) });

    expect(response.status).toBe(403);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  });

  test('a signed request whose body was changed after signing is refused', async () => {
    const signer = new SignatureV4({ service: 'execute-api', region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, sha256: Sha256 });
    const target = url('/v1/items');
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: target.pathname, query: {}, headers: { host: target.host }, body: '{"quantity":10}' });

    const response = await fetch(target, { method: 'POST', headers: withoutHost(signed.headers), body: '{"quantity":1000}' });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  test('an unknown route, and a known resource with a method it does not have, get 403 Missing Authentication Token as on AWS', async () => {
    const unknown = await fetch(url('/v1/no-such-route'));
    const wrongMethod = await fetch(url('/v1/items-open/42'), { method: 'DELETE' });
    const wrongStage = await fetch(url(apiGatewayPath({ ...api, stageName: 'prod' }, '/items-open/42')));

    for (const response of [unknown, wrongMethod, wrongStage]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  test('the long /restapis/<id>/<stage>/_user_request_/ form serves the same routes, signed ones included', async () => {
    const open = await fetch(url(`/restapis/${api.restApiId}/v1/_user_request_/items-open/7`));
    const signed = await signedFetch(url(apiGatewayPath(api, '/items')), { method: 'POST', body: '{"n":1}' });

    expect(open.status).toBe(200);
    expect(await open.json()).toMatchObject({ pathParameters: { id: '7' }, path: '/items-open/7' });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ accessKey: LOCAL_AWS.credentials.accessKeyId });
  });

  test('the proxy event carries query parameters, headers, body and request context as API Gateway builds them', async () => {
    const response = await fetch(url('/test/echo/a/b%20c?size=10&tag=x&tag=y'), {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'x-custom': 'yes' },
      body: 'hello',
    });

    expect(response.status).toBe(201);
    const event = (await response.json()) as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/a/b%20c',
      httpMethod: 'PUT',
      pathParameters: { proxy: 'a/b c' },
      queryStringParameters: { size: '10', tag: 'y' },
      multiValueQueryStringParameters: { size: ['10'], tag: ['x', 'y'] },
      headers: { 'content-type': 'text/plain', 'x-custom': 'yes' },
      multiValueHeaders: { 'x-custom': ['yes'] },
      stageVariables: null,
      body: 'hello',
      isBase64Encoded: false,
      requestContext: {
        accountId: LOCAL_AWS.accountId,
        apiId: testApi.restApiId,
        stage: 'test',
        resourcePath: '/echo/{proxy+}',
        httpMethod: 'PUT',
        path: '/test/echo/a/b%20c',
        protocol: 'HTTP/1.1',
        identity: { sourceIp: '127.0.0.1', accessKey: null },
      },
    });
    expect(event.requestContext.requestId).toBe(response.headers.get('x-amzn-requestid'));
    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('x-multi')).toBe('a, b');
  });

  test('an exact resource beats {proxy+}, and a GET without query or body has null parameters and body', async () => {
    const response = await fetch(url('/test/echo/exact'));

    const event = (await response.json()) as APIGatewayProxyEvent;
    expect(event).toMatchObject({ resource: '/echo/exact', pathParameters: null, queryStringParameters: null, body: null });
  });

  test('a handler error or a malformed handler result becomes 502 {"message": "Internal server error"}', async () => {
    const thrown = await fetch(url('/test/throws'));
    const malformed = await fetch(url('/test/malformed'));

    for (const response of [thrown, malformed]) {
      expect(response.status).toBe(502);
      expect(await response.text()).toBe('{"message": "Internal server error"}');
    }
    expect(gatewayLog.some((line) => line.includes('plain string'))).toBe(true);
    expect(gatewayLog.some((line) => line.includes('malformed Lambda proxy response'))).toBe(true);
  });

  test('an authorization type the local gateway cannot check is a 500 that says so', async () => {
    const response = await fetch(url('/test/cognito'));

    expect(response.status).toBe(500);
    expect(((await response.json()) as { message: string }).message).toContain('COGNITO_USER_POOLS is not supported');
  });

  test('a path that names no local API or stage is left to the other endpoints', async () => {
    const response = await fetch(url('/prod/items'));

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});
