/**
 * Signs HTTP requests like an AWS SDK client calling execute-api (SigV4 over
 * method, path, query, headers and body), for the story demo and the tests of IAM-authorized routes.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { LOCAL_AWS } from '../contracts';

export type Credentials = { accessKeyId: string; secretAccessKey: string };

/** Signs like an SDK client calling execute-api (SigV4 over method, path, query, headers and body). */
export async function signedFetch(
  url: URL,
  init: { method: string; body?: string; credentials?: Credentials; signingDate?: Date },
): Promise<Response> {
  const signer = new SignatureV4({ service: 'execute-api', region: LOCAL_AWS.region, credentials: init.credentials ?? LOCAL_AWS.credentials, sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: init.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, 'content-type': 'application/json' },
      body: init.body,
    },
    init.signingDate ? { signingDate: init.signingDate } : {},
  );
  return fetch(url, { method: init.method, headers: withoutHost(signed.headers), ...(init.body !== undefined && { body: init.body }) });
}

/** fetch sets Host itself, to the value that was signed. */
export function withoutHost(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'host'));
}
