/**
 * The stage's public API as a store system and a tandem partner use it: store
 * routes SigV4-signed with the caller's credentials (execute-api, the stage's
 * region), the decision link unsigned (its single-use reference is the
 * credential). An answer of 400 or more becomes an ApiError with the API's own
 * message, so the smoke and the CLI can print it as one readable line.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { OpsError } from './ops-error';
import type { AwsCredentials } from './stage';

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export class ApiError extends OpsError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} → ${status}: ${apiMessage(body)}`);
    this.name = 'ApiError';
  }
}

/** The API's error body is `{ error, message, problems? }`; a validation message names each field already. */
export function apiMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  return typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body);
}

export interface StoreApiOptions {
  /** `https://…/v1` without a trailing slash. */
  readonly apiUrl: string;
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentials>;
}

export class StoreApi {
  private readonly signer: SignatureV4;

  constructor(private readonly options: StoreApiOptions) {
    this.signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials: options.credentials, sha256: Sha256 });
  }

  /** A signed call; `allow` lists statuses ≥ 400 the caller handles itself (e.g. 404 for "not yet"). */
  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, allow: readonly number[] = []): Promise<ApiResponse<T>> {
    const url = new URL(`${this.options.apiUrl}${path}`);
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const signed = await this.signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, 'content-type': 'application/json' },
      ...(text === undefined ? {} : { body: text }),
    });
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'));
    return this.read<T>(method, path, await this.send(url, { method, headers, ...(text === undefined ? {} : { body: text }) }), allow);
  }

  /** Answers a decision task as the SMS/email link does: `POST <link>/decision`, unsigned. */
  async decide<T>(refOrLink: string, answer: unknown): Promise<ApiResponse<T>> {
    const link = decisionLink(this.options.apiUrl, refOrLink);
    const response = await this.send(new URL(`${link}/decision`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof answer === 'string' ? answer : JSON.stringify(answer) });
    return this.read<T>('POST', `${new URL(link).pathname}/decision`, response, []);
  }

  /** The same link posted again, expecting a refusal (the smoke's single-use check): the status and message, never thrown. */
  async decideExpectingRefusal(refOrLink: string, answer: unknown): Promise<ApiResponse> {
    const link = decisionLink(this.options.apiUrl, refOrLink);
    const response = await this.send(new URL(`${link}/decision`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer) });
    return { status: response.status, body: await parse(response) };
  }

  private async send(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new OpsError(`${init.method ?? 'GET'} ${url.href} failed: ${cause}`, { cause: error });
    }
  }

  private async read<T>(method: string, path: string, response: Response, allow: readonly number[]): Promise<ApiResponse<T>> {
    const body = await parse(response);
    if (response.status >= 400 && !allow.includes(response.status)) throw new ApiError(method, path, response.status, body);
    return { status: response.status, body: body as T };
  }
}

/** A decision reference (22 URL-safe characters) or a whole link from an SMS or email. */
export function decisionLink(apiUrl: string, refOrLink: string): string {
  const trimmed = refOrLink.trim().replace(/\/decision\/?$/, '').replace(/\/+$/, '');
  if (/^https?:\/\//.test(trimmed)) {
    if (!/\/tasks\/[A-Za-z0-9_-]+$/.test(trimmed)) throw new OpsError(`'${refOrLink}' is not a decision link (…/tasks/<reference>)`);
    return trimmed;
  }
  if (!/^[A-Za-z0-9_-]{22}$/.test(trimmed)) throw new OpsError(`'${refOrLink}' is neither a decision link nor a reference (22 letters, digits, - or _)`);
  return `${apiUrl}/tasks/${trimmed}`;
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
