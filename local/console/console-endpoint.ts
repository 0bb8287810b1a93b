/**
 * The local operations console on the API port: `GET /_local/console` is the
 * page (console/src/, bundled to console/dist/), `GET /_local/console/api/…`
 * its JSON over the in-process local cloud:
 *
 *   overview?status=&q=     executions per workflow, filtered and searched
 *   executions/<arn>        one execution: timeline, state graph, path taken
 *   tasks                   decisions waiting for a person
 *   outbox                  every SMS and email, by person and channel
 *   requests/<id>           GET /requests/{id} with its executions and messages
 *   customers/<id>          GET /customers/{id} with its executions and messages
 *
 * The page polls (about once a second) rather than listening to server-sent
 * events: the local HTTP server answers whole responses, the data are small,
 * and a poll survives a restart of `npm start` without reconnect logic.
 *
 * Every refusal and failure is JSON `{ message }` with a fitting status, so
 * the page always has a sentence to show; no stack trace leaves the server.
 */
import type { HttpEndpoint, HttpRequest, HttpResponse } from '../runtime/contracts';
import { escapeXml as escapeHtml } from '../runtime/http/aws-query';
import { BUILD_HINT, CONSOLE_ASSETS, readConsoleAsset, type ConsoleAsset } from './console-bundle';
import { ConsoleData, ConsoleRequestError, type ConsoleSources } from './console-data';

export const CONSOLE_PATH = '/_local/console';
const API_PREFIX = `${CONSOLE_PATH}/api/`;
const ASSET_PREFIX = `${CONSOLE_PATH}/assets/`;

export interface ConsoleEndpointOptions {
  /** Where the bundle is (tests point it elsewhere); console/dist by default. */
  readonly dist?: string;
}

export function createConsoleEndpoint(sources: ConsoleSources, options: ConsoleEndpointOptions = {}): HttpEndpoint {
  let data: ConsoleData | undefined;
  const dataOf = () => (data ??= new ConsoleData(sources));
  return async (request) => {
    if (request.path !== CONSOLE_PATH && !request.path.startsWith(`${CONSOLE_PATH}/`)) return undefined;
    if (request.method !== 'GET') return json(405, { message: 'The operations console is read with GET; answers go to the product\'s decision route.' }, { allow: 'GET' });
    if (request.path === CONSOLE_PATH || request.path === `${CONSOLE_PATH}/`) return page(options.dist);
    if (request.path.startsWith(ASSET_PREFIX)) return asset(request.path.slice(ASSET_PREFIX.length), options.dist);
    if (request.path.startsWith(API_PREFIX)) return api(dataOf(), request);
    return json(404, { message: `The console has no page ${request.path}; open ${CONSOLE_PATH}.` });
  };
}

async function api(data: ConsoleData, request: HttpRequest): Promise<HttpResponse> {
  const [resource = '', ...rest] = request.path.slice(API_PREFIX.length).split('/');
  try {
    const id = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
    switch (resource) {
      case 'overview': {
        const status = request.query.get('status') || undefined;
        const q = request.query.get('q') || undefined;
        return json(200, await data.overview({ ...(status && { status }), ...(q && { q }) }));
      }
      case 'tasks':
        return json(200, { tasks: await data.pendingTasks() });
      case 'outbox':
        return json(200, await data.outbox());
      case 'executions':
        return id ? json(200, await data.execution(id)) : json(404, { message: 'Name the execution: executions/<execution ARN>.' });
      case 'requests':
        return id ? json(200, await data.request(id)) : json(404, { message: 'Name the request: requests/<request id>.' });
      case 'customers':
        return id ? json(200, await data.customer(id)) : json(404, { message: 'Name the customer: customers/<customer id>.' });
      default:
        return json(404, { message: `The console API has no '${resource}'; it serves overview, executions, tasks, outbox, requests and customers.` });
    }
  } catch (error) {
    if (error instanceof ConsoleRequestError) return json(error.statusCode, { message: error.message });
    if (error instanceof URIError) return json(400, { message: `The address is not valid percent-encoding: ${request.path}` });
    return json(500, { message: `The console could not read this: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** The shell the bundle renders into; everything is served from this port (no CDN, no external assets). */
function page(dist?: string): HttpResponse {
  if (readConsoleAsset('main.js', dist) === undefined) {
    return {
      statusCode: 503,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><meta charset="utf-8"><title>Operations console</title><p>The operations console is not built: run <code>${escapeHtml(BUILD_HINT)}</code>.</p>`,
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body:
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>Tandem 360 · operations console</title>' +
      `<link rel="stylesheet" href="${ASSET_PREFIX}console.css"></head>` +
      `<body><div id="console" data-api="${API_PREFIX}">` +
      '<noscript>The operations console needs JavaScript; the outbox at /_local/outbox works without.</noscript></div>' +
      `<script type="module" src="${ASSET_PREFIX}main.js"></script></body></html>`,
  };
}

function asset(name: string, dist?: string): HttpResponse {
  if (!(name in CONSOLE_ASSETS)) return json(404, { message: `The console has no asset '${name}'.` });
  const body = readConsoleAsset(name as ConsoleAsset, dist);
  if (body === undefined) return json(503, { message: `The operations console is not built: run ${BUILD_HINT}.` });
  return { statusCode: 200, headers: { 'content-type': CONSOLE_ASSETS[name as ConsoleAsset], 'cache-control': 'no-cache' }, body };
}

function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}
