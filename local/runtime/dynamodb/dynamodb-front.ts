/**
 * The local cloud's DynamoDB endpoint for the stack's own traffic: an HTTP front
 * in front of DynamoDB Local that the functions and the state machines' direct
 * integrations call. Requests pass through unchanged, unless an interceptor
 * answers one itself — with an error in DynamoDB's JSON shape, as AWS would
 * (an injected fault, a denied permission). Tests and tools that seed or
 * inspect the table go to DynamoDB Local directly and meet no interceptor.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoDbCall {
  /** The operation from `X-Amz-Target`, e.g. `TransactWriteItems`. */
  readonly operation: string;
  /** The request body (DynamoDB's JSON protocol). */
  readonly input: Readonly<Record<string, unknown>>;
  /** The access key id the request was signed with (its credential scope), if signed. */
  readonly accessKeyId: string | undefined;
}

/** An answer in DynamoDB's error shape, e.g. `{ statusCode: 400, type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message }`. */
export interface DynamoDbErrorAnswer {
  readonly statusCode: number;
  /** The `__type`: namespace#Name, as DynamoDB sends it. */
  readonly type: string;
  readonly message: string;
}

/** Sees every call before DynamoDB Local does; returns an answer to stop it there, or undefined to let it pass. */
export type DynamoDbInterceptor = (call: DynamoDbCall) => DynamoDbErrorAnswer | undefined;

/**
 * Sees the calls that pass, and their answers (local/runtime/metering): may change the request body it
 * forwards (e.g. ask for ConsumedCapacity) and the answer the caller gets (e.g. take it out again).
 */
export interface DynamoDbExchangeObserver {
  exchange(operation: string, input: Record<string, unknown>): Promise<{
    readonly input: Record<string, unknown>;
    finish(statusCode: number, output: Record<string, unknown>): Promise<Record<string, unknown>>;
  }>;
}

/** Cumulative time of one operation at the front (for benchmarks: where the time goes). */
export interface DynamoDbOperationStats {
  readonly calls: number;
  /** Wall time from the request's last byte to the answer's last byte, summed (concurrent calls overlap). */
  readonly totalMs: number;
  /** Of which in the interceptors (IAM evaluation, faults), summed. */
  readonly interceptMs: number;
}

export interface DynamoDbFront {
  readonly url: string;
  /** Per operation: calls, cumulative time and time in interceptors since the start. */
  stats(): Record<string, DynamoDbOperationStats>;
  /** Adds an interceptor (run in the order added); returns a function that removes it. */
  intercept(interceptor: DynamoDbInterceptor): () => void;
  /** Sets the one observer of passing calls (undefined removes it); without one, bodies pass untouched. */
  observe(observer: DynamoDbExchangeObserver | undefined): void;
  close(): Promise<void>;
}

export async function startDynamoDbFront(upstream: string): Promise<DynamoDbFront> {
  const target = new URL(upstream);
  const interceptors: DynamoDbInterceptor[] = [];
  let observer: DynamoDbExchangeObserver | undefined;
  // Keep-alive to DynamoDB Local: a fresh connection per call would cost more than the call.
  const agent = new Agent({ keepAlive: true });
  const stats = new Map<string, { calls: number; totalMs: number; interceptMs: number }>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const began = performance.now();
      const operation = operationOf(req);
      const counted = stats.get(operation) ?? { calls: 0, totalMs: 0, interceptMs: 0 };
      stats.set(operation, counted);
      counted.calls += 1;
      res.once('finish', () => (counted.totalMs += performance.now() - began));
      const body = Buffer.concat(chunks);
      const answer = interceptors.length === 0 ? undefined : firstAnswer(interceptors, callOf(req, body, operation));
      counted.interceptMs += performance.now() - began;
      if (answer) {
        res.writeHead(answer.statusCode, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `local-front-${Date.now()}` });
        res.end(JSON.stringify({ __type: answer.type, message: answer.message }));
        return;
      }
      if (observer) {
        void forwardObserved(observer, { target, agent, req, res, body, operation });
        return;
      }
      const forward = httpRequest(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `DynamoDB Local unreachable: ${error.message}` }));
      });
      forward.end(body);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => Object.fromEntries([...stats].map(([operation, counted]) => [operation, { ...counted }])),
    observe: (next) => {
      observer = next;
    },
    intercept: (interceptor) => {
      interceptors.push(interceptor);
      return () => {
        const at = interceptors.indexOf(interceptor);
        if (at >= 0) interceptors.splice(at, 1);
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

interface Exchange {
  readonly target: URL;
  readonly agent: Agent;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: Buffer;
  readonly operation: string;
}

/** Forwards a call through the observer: its body as the observer rewrites it, the answer buffered and rewritten too. */
async function forwardObserved(observer: DynamoDbExchangeObserver, { target, agent, req, res, body, operation }: Exchange): Promise<void> {
  try {
    const exchange = await observer.exchange(operation, callOf(req, body, operation).input);
    const sent = Buffer.from(JSON.stringify(exchange.input));
    const headers = { ...req.headers, 'content-length': String(sent.length) };
    const answer = await new Promise<{ statusCode: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const forward = httpRequest({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent }, (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => resolve({ statusCode: upstreamRes.statusCode ?? 502, headers: upstreamRes.headers, body: Buffer.concat(chunks) }));
        upstreamRes.on('error', reject);
      });
      forward.on('error', reject);
      forward.end(sent);
    });
    const output = parseObject(answer.body);
    const text = output ? Buffer.from(JSON.stringify(await exchange.finish(answer.statusCode, output))) : answer.body;
    // The body changed and goes out whole: its checksum, length and chunking headers no longer apply.
    const passed = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !['x-amz-crc32', 'content-length', 'transfer-encoding'].includes(name)));
    res.writeHead(answer.statusCode, { ...passed, 'content-length': String(text.length) });
    res.end(text);
  } catch (error) {
    res.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `DynamoDB Local unreachable: ${(error as Error).message}` }));
  }
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function firstAnswer(interceptors: readonly DynamoDbInterceptor[], call: DynamoDbCall): DynamoDbErrorAnswer | undefined {
  for (const interceptor of interceptors) {
    const answer = interceptor(call);
    if (answer) return answer;
  }
  return undefined;
}

function operationOf(req: IncomingMessage): string {
  return String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
}

function callOf(req: IncomingMessage, body: Buffer, operation: string): DynamoDbCall {
  let input: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
  } catch {
    // DynamoDB Local answers a malformed body itself; interceptors see an empty input.
  }
  const credential = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''));
  return { operation, input, accessKeyId: credential?.[1] };
}
