/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local: requests pass
 * through unchanged unless a rule matches (operation, and a text the request
 * body contains), then DynamoDB's own 500 InternalServerError is answered
 * instead, as often as the rule says. The product runs unchanged behind it;
 * its SDK retries, its workflow retries and its failure path meet a real outage.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRule {
  /** The DynamoDB operation, e.g. `TransactWriteItems`. */
  readonly operation: string;
  /** Only requests whose body contains every one of these. */
  readonly bodyIncludes: readonly string[];
  /** How many matching requests fail; Infinity for an outage that does not end. */
  times: number;
}

export interface FaultyDynamoDb {
  readonly endpoint: string;
  /** Adds a rule; returns it, so a test can read how many failures are left. */
  inject(rule: FaultRule): FaultRule;
  /** How many requests were failed on purpose. */
  readonly injected: () => number;
  stop(): Promise<void>;
}

export async function startFaultyDynamoDb(upstream: string): Promise<FaultyDynamoDb> {
  const target = new URL(upstream);
  const rules: FaultRule[] = [];
  let injected = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const text = body.toString('utf8');
      const rule = rules.find((r) => r.times > 0 && r.operation === operation && r.bodyIncludes.every((part) => text.includes(part)));
      if (rule) {
        rule.times -= 1;
        injected += 1;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${injected}` });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error (injected by the test)' }));
        return;
      }
      const forward = httpRequest(
        { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (rule) => {
      rules.push(rule);
      return rule;
    },
    injected: () => injected,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
