/**
 * Malformed requests for one route of the API: a body broken at one place
 * (test/support/malformed-json.ts) or by a rule the schema cannot express, a
 * path parameter with bad characters, or an id that names nothing — each with
 * the reason it is invalid and what the answer must name. Sent signed (SigV4,
 * the local credentials) when the route is AWS_IAM, as a phone would send it
 * otherwise, so what is tested is validation, not authentication.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import type { z } from 'zod';
import { LOCAL_AWS, type LocalRouteSpec } from '../../local/runtime/contracts';
import { inputSchemaOf, malformedBodies, NASTY_STRINGS, type MalformedBody } from './malformed-json';
import { withoutHost } from './signed-fetch';

/** A body that breaks a rule only the handler knows (a date in the past, an unknown SKU, …). */
export interface BrokenRule {
  readonly reason: string;
  readonly body: unknown;
  readonly names: readonly string[];
}

export interface BodySpec {
  readonly schema: z.ZodType;
  /** A valid body: the generators break it in one place; it is sent whole only with a bad path. */
  readonly example: unknown;
  readonly rules?: readonly BrokenRule[];
  /** The route reads form fields too (the decision link); a form it cannot use names these. */
  readonly formNames?: readonly string[];
}

/** One thing a route can be called on: path parameters that exist, and the body that suits them. */
export interface RouteTarget {
  readonly label: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body?: BodySpec;
}

export interface PathParameterSpec {
  /** The pattern the handler checks (the id schema's). */
  readonly pattern: RegExp;
  /** What a refused value's answer names; default `path parameter <name>`. */
  readonly malformedNames?: readonly string[];
  /** Well-formed values that name nothing, if a route answers them with 404 (not for routes that would create it). */
  readonly unknown?: fc.Arbitrary<string>;
  /** What a 404 names; default `<value> does not exist`. */
  readonly unknownNames?: (value: string) => readonly string[];
}

export interface EndpointSpec {
  /** `METHOD /path`, as the template declares the route. */
  readonly route: string;
  readonly targets: readonly RouteTarget[];
  readonly parameters?: Readonly<Record<string, PathParameterSpec>>;
}

export interface MalformedRequest {
  readonly method: string;
  /** The resource path with its parameters filled in, percent-encoded. */
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly kind: 'body' | 'rule' | 'path' | 'unknown-id';
  readonly reason: string;
  readonly names: readonly string[];
}

const fill = (resource: string, parameters: Readonly<Record<string, string>>): string =>
  resource.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${resource}`);
    return encodeURIComponent(value);
  });

/** Values a URL can carry as one path segment that still reaches the route ('.' and '..' are resolved away, '' is another route). */
const reachesRoute = (value: string): boolean => {
  if (value === '' || value === '.' || value === '..') return false;
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false; // a lone surrogate has no URL form
  }
};

function parameterBreakers(pattern: RegExp): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom(...NASTY_STRINGS, 'x'.repeat(2_000), '%2F', '%', '?a=1', '#top'),
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...'ACPST0123456789_-'), minLength: 1, maxLength: 30 }),
    )
    .filter((value) => reachesRoute(value) && !pattern.test(value));
}

/** Every kind of malformed request the spec allows for its route, each as likely as its share of the route's inputs. */
export function malformedRequests(spec: EndpointSpec): fc.Arbitrary<MalformedRequest> {
  const [method = '', resource = ''] = spec.route.split(' ');
  const first = spec.targets[0];
  if (!first) throw new Error(`${spec.route}: no target`);
  const withBody = (target: RouteTarget) =>
    target.body === undefined ? {} : { body: JSON.stringify(target.body.example), contentType: 'application/json' };

  const kinds: fc.WeightedArbitrary<MalformedRequest>[] = [];
  for (const target of spec.targets) {
    const body = target.body;
    if (!body) continue;
    const path = fill(resource, target.pathParameters);
    const accepts = (value: unknown) => body.schema.safeParse(value).success;
    kinds.push({
      weight: 8,
      arbitrary: malformedBodies(inputSchemaOf(body.schema), body.example, { accepts, ...(body.formNames ? { formNames: body.formNames } : {}) }).map(
        (m: MalformedBody): MalformedRequest => ({ method, path, body: m.body, contentType: m.contentType, kind: 'body', reason: `${target.label}: ${m.reason}`, names: m.names }),
      ),
    });
    if (body.rules && body.rules.length > 0) {
      kinds.push({
        weight: 2,
        arbitrary: fc.constantFrom(...body.rules).map((rule): MalformedRequest => ({
          method,
          path,
          body: JSON.stringify(rule.body),
          contentType: 'application/json',
          kind: 'rule',
          reason: `${target.label}: ${rule.reason}`,
          names: rule.names,
        })),
      });
    }
  }
  for (const [name, parameter] of Object.entries(spec.parameters ?? {})) {
    kinds.push({
      weight: spec.targets.some((t) => t.body) ? 2 : 8,
      arbitrary: parameterBreakers(parameter.pattern).map((value): MalformedRequest => ({
        method,
        path: fill(resource, { ...first.pathParameters, [name]: value }),
        ...withBody(first),
        kind: 'path',
        reason: `${name} ${JSON.stringify(value).slice(0, 40)} breaks ${parameter.pattern.source}`,
        names: parameter.malformedNames ?? [`path parameter ${name}`],
      })),
    });
    const unknown = parameter.unknown;
    if (unknown) {
      kinds.push({
        weight: 1,
        arbitrary: unknown.map((value): MalformedRequest => ({
          method,
          path: fill(resource, { ...first.pathParameters, [name]: value }),
          ...withBody(first),
          kind: 'unknown-id',
          reason: `${name} ${value} names nothing`,
          names: parameter.unknownNames?.(value) ?? [`${value} does not exist`],
        })),
      });
    }
  }
  if (kinds.length === 0) throw new Error(`${spec.route}: nothing to break`);
  return fc.oneof(...kinds);
}

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  /** The message a person reads: `message` of a JSON answer, the text of an HTML page. */
  readonly message: string;
}

/** Sends the request as the route's callers do: signed for AWS_IAM routes, plain for the decision links. */
export async function send(baseUrl: string, route: Pick<LocalRouteSpec, 'authorization'>, request: MalformedRequest): Promise<Answer> {
  const url = new URL(`${baseUrl}${request.path}`);
  const headers: Record<string, string> = { ...(request.contentType ? { 'content-type': request.contentType } : {}) };
  const signed = route.authorization === 'AWS_IAM' ? await sign(url, request.method, headers, request.body) : headers;
  const response = await fetch(url, { method: request.method, headers: signed, ...(request.body !== undefined ? { body: request.body } : {}) });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return { status: response.status, contentType, message: messageOf(contentType, text) };
}

async function sign(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'execute-api', region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return withoutHost(signed.headers);
}

function messageOf(contentType: string, text: string): string {
  if (contentType.includes('json')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; Message?: unknown };
      const message = parsed.message ?? parsed.Message;
      return typeof message === 'string' ? message : text;
    } catch {
      return text;
    }
  }
  // A page: its text, with the entities the pages escape turned back.
  return text
    .replace(/<[^>]*>/g, ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Why an answer does not prove the request was refused for its reason, or undefined when it does. */
export function refusalProblem(request: MalformedRequest, answer: Answer): string | undefined {
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}, not 4xx`;
  if (!request.names.some((name) => answer.message.includes(name))) return `the message names none of ${request.names.map((n) => JSON.stringify(n)).join(', ')}`;
  return undefined;
}
