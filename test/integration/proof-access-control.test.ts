/**
 * Issue 8, point 5 — access control, in the local cloud running the
 * synthesized stack:
 * - every AWS_IAM route of the template refuses unsigned, wrongly signed
 *   (wrong secret, body or path changed after signing, signed more than 5
 *   minutes off) and unknown-key requests with API Gateway's 403, and no
 *   function runs, so nothing is written and no execution starts;
 * - the caller roles (lib/api/store-api.ts): the store systems' credentials are
 *   refused on the admin routes and allowed on the store routes, the directory
 *   admins' the other way round, the account's administrator everywhere;
 * - decision links refuse reuse, expiry, a link passed to the partner, a body
 *   of another task kind, and a reference that never existed;
 * - every generator of a credential draws ≥ 128 bits from the CSPRNG.
 *
 * Data of this file: customerOfOwnTerritory 380–383, products 82–84, ids `ac-`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { newDecisionRef } from '../../functions/customer-request/domain/decision';
import { STORY_SKUS } from '../../functions/seed/products';
import { LOCAL_AWS, type LocalApiSpec, type LocalRouteSpec } from '../../local/runtime/contracts';
import { executeApiArn } from '../../local/runtime/iam/execute-api';
import { newSessionCredentials } from '../../local/runtime/iam/local-callers';
import { TaskTokenRegistry } from '../../local/runtime/stepfunctions/task-tokens';
import { callApi } from '../support/customer-lifecycle-world';
import {
  awaitRequest,
  customerOfOwnTerritory,
  decide,
  hoursFromNow,
  latestDecisionRef,
  startWorld,
  submit,
  tandemOf,
  type World,
} from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { recordProof } from '../support/proof';
import { expectUnguessable, measureRandomness, snsConfirmationTokens, type RandomnessFigure } from '../support/randomness';
import { withoutHost, type Credentials } from '../support/signed-fetch';

let world: World;
let api: LocalApiSpec;
/** Every route of the template that API Gateway authorizes with IAM. */
let signedRoutes: LocalRouteSpec[];
const figures: Record<string, number | string> = {};

// 1/100: an unanswered decision passes to the partner after 10 minutes (6 s here) and expires 30 minutes later (18 s).
beforeAll(async () => {
  world = await startWorld({ timeScale: 0.01 });
  api = world.product.cloud.model.apis[0]!;
  signedRoutes = api.routes.filter((route) => route.authorization === 'AWS_IAM');
});

afterAll(async () => {
  await world?.stop();
});

/** A request path of the route with its path parameters filled in. */
const concretePath = (route: LocalRouteSpec, value = 'ac-x1') => route.path.replace(/\{[^}]+\}/g, value);
const bodyOf = (route: LocalRouteSpec, text = '{}') => (route.method === 'GET' ? undefined : text);
const functionName = (route: LocalRouteSpec) => route.functionArn!.split(':function:')[1]!;
const invocationsOf = (route: LocalRouteSpec) => world.product.cloud.lambda.stats()[functionName(route)]?.invocations ?? 0;
const routeInvocations = () => signedRoutes.reduce((sum, route) => sum + invocationsOf(route), 0);
const executionCount = () =>
  world.product.cloud.model.stateMachines.reduce((sum, machine) => sum + (world.product.cloud.stepFunctions.listExecutions(machine.arn).executions?.length ?? 0), 0);

/** The headers a SigV4 client would send for (method, url, body), signed with `credentials` at `signingDate`. */
async function signedHeaders(method: string, url: URL, body: string | undefined, credentials: Credentials, signingDate = new Date()): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'execute-api', region: LOCAL_AWS.region, credentials, sha256: Sha256 });
  const signed = await signer.sign(
    { method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { host: url.host, 'content-type': 'application/json' }, ...(body !== undefined && { body }) },
    { signingDate },
  );
  return withoutHost(signed.headers);
}

interface Answer {
  readonly status: number;
  readonly errorType: string | null;
  readonly body: Record<string, unknown>;
}

async function send(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const response = await fetch(url, { method, headers, ...(body !== undefined && { body }) });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: parsed };
}

const urlOf = (path: string) => new URL(`${world.product.storeApiUrl}${path}`);

describe('access control (issue 8, point 5)', () => {
  test('every IAM route refuses unsigned, wrongly signed, stale and unknown-key requests with 403; no function runs, no execution starts', async () => {
    expect(signedRoutes.length).toBeGreaterThanOrEqual(13);
    const local = LOCAL_AWS.credentials;
    const invocationsBefore = routeInvocations();
    const executionsBefore = executionCount();
    const refusals: Record<string, number> = {};
    const refuse = (kind: string, answer: Answer, errorType: string, message: RegExp, where: string) => {
      expect({ where, status: answer.status, errorType: answer.errorType }).toEqual({ where, status: 403, errorType });
      expect(String(answer.body.message)).toMatch(message);
      refusals[kind] = (refusals[kind] ?? 0) + 1;
    };
    const mismatch = /^The request signature we calculated does not match the signature you provided/;

    await Promise.all(signedRoutes.map(async (route) => {
      const where = `${route.method} ${route.path}`;
      const url = urlOf(concretePath(route));
      const body = bodyOf(route, '{"requestId":"ac-signed"}');

      refuse('unsigned', await send(route.method, url, { 'content-type': 'application/json' }, body), 'MissingAuthenticationTokenException', /^Missing Authentication Token$/, where);
      refuse('wrong secret', await send(route.method, url, await signedHeaders(route.method, url, body, { ...local, secretAccessKey: 'not-the-secret' }), body), 'InvalidSignatureException', mismatch, where);
      if (body !== undefined) {
        const tampered = bodyOf(route, '{"requestId":"ac-tampered"}');
        refuse('body changed after signing', await send(route.method, url, await signedHeaders(route.method, url, body, local), tampered), 'InvalidSignatureException', mismatch, where);
      }
      // The path changed after signing: another value of a path parameter, or a query added to a path without one.
      const otherUrl = route.path.includes('{') ? urlOf(concretePath(route, 'ac-x2')) : urlOf(`${concretePath(route)}?storeId=S001`);
      refuse('path changed after signing', await send(route.method, otherUrl, await signedHeaders(route.method, url, body, local), body), 'InvalidSignatureException', mismatch, where);
      const sixMinutes = 6 * 60_000;
      refuse('signed 6 min ago', await send(route.method, url, await signedHeaders(route.method, url, body, local, new Date(Date.now() - sixMinutes)), body), 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/, where);
      refuse('signed 6 min ahead', await send(route.method, url, await signedHeaders(route.method, url, body, local, new Date(Date.now() + sixMinutes)), body), 'InvalidSignatureException', /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/, where);
      refuse('unknown access key', await send(route.method, url, await signedHeaders(route.method, url, body, { accessKeyId: 'AKIAACUNKNOWN0000000', secretAccessKey: 'whatever' }), body), 'UnrecognizedClientException', /^The security token included in the request is invalid\.$/, where);
    }));
    // Not one of the refused requests reached a function: nothing was written, no workflow started.
    expect(routeInvocations()).toBe(invocationsBefore);
    expect(executionCount()).toBe(executionsBefore);
    // The same checks let a correctly signed request through (the store answers 400 for its body, not the gateway 403).
    const post = signedRoutes.find((route) => route.method === 'POST' && route.path === '/requests')!;
    const accepted = await send('POST', urlOf('/requests'), await signedHeaders('POST', urlOf('/requests'), '{}', local), '{}');
    expect(accepted).toMatchObject({ status: 400, errorType: null });
    expect(invocationsOf(post)).toBeGreaterThan(0);

    const total = Object.values(refusals).reduce((a, b) => a + b, 0);
    figures.iamRoutes = signedRoutes.length;
    figures.forgedRequestsRefused = total;
    figures.forgedRequestsReachingAFunction = routeInvocations() - invocationsBefore - 1;
    for (const [kind, count] of Object.entries(refusals)) figures[`refused: ${kind}`] = count;
  });

  test("the caller roles: store systems are refused on the admin routes and allowed on the store routes; directory admins the reverse; the account's administrator everywhere", async () => {
    const cloud = world.product.cloud;
    const store = cloud.credentialsFor('StoreApiStoreSystemsRole');
    const admin = cloud.credentialsFor('StoreApiDirectoryAdminRole');
    expect(store.principalArn).toMatch(new RegExp(`^arn:aws:sts::${LOCAL_AWS.accountId}:assumed-role/Tandem360-dev-StoreApiStoreSystemsRole[0-9A-F]{8}/local-session-\\d+$`));
    // A function's execution role is no caller role: the account may not assume it.
    expect(() => cloud.credentialsFor('CustomerRequestsSubmitRequestRole')).toThrow(/cannot be assumed by the account's principals/);

    const isAdminRoute = (route: LocalRouteSpec) => route.path.startsWith('/tandems/') || route.path === '/reassignments';
    const callers = { 'store systems': store, 'directory admin': admin, 'account administrator': { ...LOCAL_AWS.credentials, principalArn: `arn:aws:iam::${LOCAL_AWS.accountId}:user/local` } };
    // One call at a time: the route's invocation count tells whether it got through (and 13 cold starts at once would not fit 2 cores).
    const matrix: { caller: string; route: string; allowed: boolean }[] = [];
    for (const route of signedRoutes) {
      for (const [caller, credentials] of Object.entries(callers)) {
        const path = concretePath(route);
        const url = urlOf(path);
        const body = bodyOf(route);
        const before = invocationsOf(route);
        const answer = await send(route.method, url, await signedHeaders(route.method, url, body, credentials), body);
        const ran = invocationsOf(route) - before;
        if (answer.status === 403 && answer.errorType === 'AccessDeniedException') {
          const resource = executeApiArn(api, route.method, path);
          expect(resource).toBe(`arn:aws:execute-api:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:${api.restApiId}/${api.stageName}/${route.method}${path}`);
          expect(answer.body).toEqual({ Message: `User: ${credentials.principalArn} is not authorized to perform: execute-api:Invoke on resource: ${resource}` });
          expect(ran).toBe(0);
          matrix.push({ caller, route: `${route.method} ${route.path}`, allowed: false });
        } else {
          // Allowed: the route's function answered (a 4xx for the empty body or the made-up id), not the gateway.
          expect({ caller, route: route.path, ran, gatewayError: answer.errorType }).toEqual({ caller, route: route.path, ran: 1, gatewayError: null });
          expect(answer.status).toBeLessThan(500);
          matrix.push({ caller, route: `${route.method} ${route.path}`, allowed: true });
        }
      }
    }
    const expected = signedRoutes.flatMap((route) => [
      { caller: 'store systems', route: `${route.method} ${route.path}`, allowed: !isAdminRoute(route) },
      { caller: 'directory admin', route: `${route.method} ${route.path}`, allowed: isAdminRoute(route) },
      { caller: 'account administrator', route: `${route.method} ${route.path}`, allowed: true },
    ]);
    expect(matrix).toEqual(expected);
    expect(signedRoutes.filter(isAdminRoute).length).toBeGreaterThanOrEqual(4);

    // A real call end to end with the store systems' credentials: a request is accepted and answered.
    const customer = await customerOfOwnTerritory(world, 383);
    const product = world.seed.products[84]!;
    const request = JSON.stringify({ requestId: 'ac-role-1', customerId: customer.customerId, lines: [{ sku: product.sku, quantity: 1, unit: product.unit }], neededBy: hoursFromNow(30), fulfilment: 'pickup' });
    const viaRole = await send('POST', urlOf('/requests'), await signedHeaders('POST', urlOf('/requests'), request, store), request);
    expect(viaRole).toMatchObject({ status: 202, body: { requestId: 'ac-role-1', status: 'RECEIVED' } });

    const count = (caller: string, allowed: boolean) => matrix.filter((m) => m.caller === caller && m.allowed === allowed).length;
    figures['store systems: store routes allowed'] = count('store systems', true);
    figures['store systems: admin routes refused'] = count('store systems', false);
    figures['directory admin: admin routes allowed'] = count('directory admin', true);
    figures['directory admin: store routes refused'] = count('directory admin', false);
    figures['account administrator: routes allowed'] = count('account administrator', true);
  });

  test('decision links refuse reuse (410), a link passed to the partner (410), expiry (410), a body of another task kind (400 naming it) and a reference that never existed (404)', async () => {
    const [answered, silent, priced] = await Promise.all([customerOfOwnTerritory(world, 380), customerOfOwnTerritory(world, 381), customerOfOwnTerritory(world, 382)]);
    const line = (i: number, quantity: number) => ({ sku: world.seed.products[i]!.sku, quantity, unit: world.seed.products[i]!.unit });
    const outcomes: Record<string, string> = {};

    // No stock anywhere: both requests are escalated to their inside manager. The silent one is needed in a
    // little over two hours (inside manager 10 minutes, then the field manager 30), the answered one tomorrow.
    expect((await submit(world, { requestId: 'ac-answered-1', customerId: answered.customerId, lines: [line(82, 3)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    expect((await submit(world, { requestId: 'ac-silent-1', customerId: silent.customerId, lines: [line(83, 4)], neededBy: hoursFromNow(2 + 10 / 60), fulfilment: 'pickup' })).status).toBe(202);
    const answeredTandem = tandemOf(world, answered.territoryId);
    const silentTandem = tandemOf(world, silent.territoryId);

    // The wrong task kind: a price decision's body on a request's link, and a request decision's body on a price link.
    const ref = await eventually(() => latestDecisionRef(world, answeredTandem.insideManager));
    const priceBody = await decide(world, ref, { outcome: 'approve', price: 39.5 });
    expect(priceBody.status).toBe(400);
    expect(String(priceBody.body.message)).toMatch(/outcome.*must be one of sourced, alternative, declined/);
    outcomes['price answer on a request link'] = String(priceBody.status);

    const pricedTandem = tandemOf(world, priced.territoryId);
    const priceRequest = await callApi(world, 'POST', '/price-requests', {
      priceRequestId: 'ac-price-1', customerId: priced.customerId, sku: STORY_SKUS.tuna, weeklyVolume: { min: 10, max: 12 }, unit: 'kg', proposedPrice: 39.5, requestedBy: pricedTandem.fieldManager.personId,
    });
    expect(priceRequest.status).toBe(201);
    const priceRef = await eventually(() => {
      const records = world.product.cloud.sns.outbox().filter((r) => r.endpoint === pricedTandem.insideManager.mobile || r.endpoint === pricedTandem.insideManager.email);
      return records.map((r) => /\/tasks\/([A-Za-z0-9_-]{22})/.exec(r.body)?.[1]).find((found) => found !== undefined);
    });
    const requestBody = await decide(world, priceRef, { outcome: 'sourced', storeId: 'S001' });
    expect(requestBody.status).toBe(400);
    expect(String(requestBody.body.message)).toMatch(/outcome.*must be one of approve, counter, reject/);
    outcomes['request answer on a price link'] = String(requestBody.status);

    // Reuse: the first answer decides, the second (same or different) is refused and changes nothing.
    const first = await decide(world, ref, { outcome: 'declined', reason: 'nicht lieferbar' });
    expect(first).toMatchObject({ status: 200, body: { requestId: 'ac-answered-1', outcome: 'declined', accepted: true } });
    const again = await decide(world, ref, { outcome: 'declined', reason: 'nicht lieferbar' });
    const other = await decide(world, ref, { outcome: 'sourced', storeId: 'S001' });
    for (const refused of [again, other]) {
      expect(refused.status).toBe(410);
      expect(refused.body.message).toBe(`decision reference ${ref} has already been used`);
    }
    outcomes['second answer'] = `${again.status}, ${other.status}`;
    const decidedView = await awaitRequest(world, 'ac-answered-1', ['UNFULFILLED']);
    expect(decidedView.decisions).toHaveLength(1);

    // Never existed: a well-formed reference nobody issued, and a malformed one.
    const unknown = await decide(world, newDecisionRef(), { outcome: 'declined', reason: 'geraten' });
    expect(unknown.status).toBe(404);
    const malformed = await decide(world, 'not-a-reference', { outcome: 'declined', reason: 'geraten' });
    expect(malformed.status).toBe(400);
    expect(String(malformed.body.message)).toMatch(/\bref\b/);
    outcomes['unknown reference'] = String(unknown.status);
    outcomes['malformed reference'] = String(malformed.status);

    // Nobody answers the silent one: it passes to the field manager, then expires.
    const insideRef = await eventually(() => latestDecisionRef(world, silentTandem.insideManager));
    await awaitRequest(world, 'ac-silent-1', ['UNFULFILLED'], 'NotifyTandem');
    const fieldRef = await eventually(() => latestDecisionRef(world, silentTandem.fieldManager));
    const passed = await decide(world, insideRef, { outcome: 'declined', reason: 'zu spät' });
    expect(passed.status).toBe(410);
    expect(passed.body.message).toBe(`decision reference ${insideRef} has passed to the partner; this link no longer decides`);
    const expired = await decide(world, fieldRef, { outcome: 'declined', reason: 'zu spät' });
    expect(expired.status).toBe(410);
    expect(expired.body.message).toBe(`decision reference ${fieldRef} has expired`);
    expect((await awaitRequest(world, 'ac-silent-1', ['UNFULFILLED'])).decisions).toEqual([]);
    outcomes['link passed to the partner'] = String(passed.status);
    outcomes['after the last deadline'] = String(expired.status);

    for (const [kind, status] of Object.entries(outcomes)) figures[`decision link, ${kind}`] = status;
  });

  test('every credential generator draws ≥ 128 bits from the CSPRNG: 10,000 samples each, all distinct, every bit about half ones', () => {
    const registry = new TaskTokenRegistry();
    const tokens: string[] = [];
    const generators: Record<string, RandomnessFigure> = {
      'decision reference (functions/customer-request/domain/decision.ts newDecisionRef)': measureRandomness(newDecisionRef, (r) => Buffer.from(r, 'base64url')),
      'task token (local/runtime/stepfunctions/task-tokens.ts)': measureRandomness(
        () => {
          const { token } = registry.issue('arn:aws:states:eu-central-1:000000000000:execution:m:e', 60_000);
          tokens.push(token);
          return token;
        },
        (t) => Buffer.from(t, 'base64url'),
      ),
      'role session secret key (local/runtime/iam/local-callers.ts)': measureRandomness(() => newSessionCredentials().secretAccessKey, (s) => Buffer.from(s, 'base64')),
      'SNS subscription confirmation token (local/runtime/sns/local-sns.ts)': measureRandomness(snsConfirmationTokens(10_000), (t) => Buffer.from(t, 'hex')),
    };
    for (const token of tokens) registry.forget(token);
    for (const figure of Object.values(generators)) expectUnguessable(figure);
    for (const [name, figure] of Object.entries(generators)) {
      figures[name] = `${figure.distinct}/${figure.samples} distinct, ${figure.bits} bits in ${figure.encodedLength} chars, worst bit ${(figure.worstBitShare * 100).toFixed(1)} % ones (${figure.worstBitSigma.toFixed(1)} σ)`;
    }

    recordProof({
      id: '5-access-control',
      point: 5,
      promise: 'No one gets in: IAM routes refuse forged or stale signatures, callers reach only the routes their role allows, decision links work once, for their holder, in time, and every credential carries ≥ 128 random bits.',
      load: `${String(figures.forgedRequestsRefused)} forged requests on ${signedRoutes.length} IAM routes, 3 callers × ${signedRoutes.length} routes, 8 decision-link misuses, 4 × 10,000 generated credentials`,
      result: `${String(figures.forgedRequestsRefused)} forged requests refused with 403 and none reached a function; store systems refused on ${String(figures['store systems: admin routes refused'])} admin routes, directory admins on ${String(figures['directory admin: store routes refused'])} store routes; reuse, partner hand-over and expiry 410, wrong kind 400, unknown 404; all credentials distinct with ≥ 128 bits`,
      figures,
    });
  });
});
