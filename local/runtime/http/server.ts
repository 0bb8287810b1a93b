/**
 * One loopback HTTP server that offers each request to a list of endpoints in
 * turn (Step Functions, SNS, API Gateway, …) — the way one LocalStack port
 * serves many services. A request no endpoint claims gets 404; an endpoint
 * that throws gets a 500 in AWS's JSON error shape, and the server keeps serving.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpEndpoint, HttpRequest, HttpResponse } from '../contracts';

/** Requests larger than this are refused before they are read whole (API Gateway's limit is 10 MB). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  endpoints: readonly HttpEndpoint[],
  options: { port?: number; host?: string; name?: string } = {},
): Promise<LocalHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    void handle(req, endpoints).then((response) => {
      res.writeHead(response.statusCode, { 'content-length': String(bodyLength(response)), ...response.headers });
      res.end(response.body ?? '');
    });
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port ?? 0, host, options.name ?? 'HTTP server');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, endpoints: readonly HttpEndpoint[]): Promise<HttpResponse> {
  try {
    const request = await readRequest(req);
    if (request === 'too-large') return jsonError(413, 'RequestEntityTooLarge', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    for (const endpoint of endpoints) {
      const response = await endpoint(request);
      if (response) return response;
    }
    return jsonError(404, 'UnknownOperationException', `no local service answers ${request.method} ${request.path}`);
  } catch (error) {
    return jsonError(500, 'InternalFailure', error instanceof Error ? error.message : String(error));
  }
}

async function readRequest(req: IncomingMessage): Promise<HttpRequest | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(buffer);
  }
  const rawUrl = req.url ?? '/';
  const url = new URL(rawUrl, 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: Buffer.concat(chunks), rawUrl };
}

export function jsonError(statusCode: number, code: string, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message }),
  };
}

function bodyLength(response: HttpResponse): number {
  const body = response.body ?? '';
  return typeof body === 'string' ? Buffer.byteLength(body) : body.length;
}

function listen(server: Server, port: number, host: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`${name}: port ${port} on ${host} is already in use; choose another port`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
