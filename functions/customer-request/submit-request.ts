/**
 * POST /requests: a store system reports that a customer needs products by a
 * date. The body is validated against the one published schema, every
 * reference (customer, SKUs, preferred store) is checked, and the request is
 * registered once under its id; then the CustomerRequest workflow is started
 * under a name derived from the id, so a retried submission — sequential or
 * concurrent — never starts a second execution. Answers 202 with a status URL;
 * the same id with a different body is a 409. Nothing is written for a bad request.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, ValidationError, type FieldProblem } from '../domain/errors';
import type { CustomerRequestRecord } from '../domain/model';
import { DynamoCatalogueRepository } from '../repository/catalogue-repository';
import { DynamoCustomerRepository } from '../repository/customer-repository';
import { createDocumentClient } from '../repository/document-client';
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoStoreDirectory } from '../repository/store-directory';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { toUtc } from '../repository/table-layout';
import { requiredEnv } from '../shared/environment';
import { businessMetrics } from '../shared/business-metrics';
import { correlateWith } from '../shared/correlation';
import { httpHandler } from '../shared/http-handler';
import { json, parseJsonBody } from '../shared/http-response';
import { logger } from '../shared/powertools';
import { executionNameFor, parseSubmission, submissionFingerprint, type CustomerRequestSubmission } from './domain/submission';

/** Far above any real request (50 lines and a note are ~5 KB); a larger body is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

export async function submitRequest(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'requestContext' | 'headers'>, now = new Date()) {
  const size = event.body === null ? 0 : Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (size > MAX_BODY_BYTES) throw new ValidationError('customer request', [{ field: 'body', problem: `must be at most ${MAX_BODY_BYTES} bytes, got ${size}` }]);
  const submission = parseSubmission(parseJsonBody(event.body, event.isBase64Encoded), now);
  correlateWith(submission.requestId);
  await checkReferences(submission);

  const at = now.toISOString();
  const record: CustomerRequestRecord = {
    requestId: submission.requestId,
    ...(submission.customerId ? { customerId: submission.customerId } : {}),
    ...(submission.prospect ? { prospect: submission.prospect } : {}),
    status: 'RECEIVED',
    lines: submission.lines,
    neededBy: toUtc(submission.neededBy),
    fulfilment: submission.fulfilment,
    ...(submission.preferredStoreId ? { preferredStoreId: submission.preferredStoreId } : {}),
    ...(submission.note ? { note: submission.note } : {}),
    createdAt: at,
    updatedAt: at,
  };
  const requests = new DynamoRequestRepository(ctx);
  const registered = await requests.registerSubmission(record, submissionFingerprint(submission));
  if (registered.outcome === 'conflict') {
    throw new ConflictError(`request ${submission.requestId} was already submitted with a different body; use a new request id for a new request`);
  }
  if (registered.outcome === 'created') {
    await requests.appendAuditEvent({ requestId: record.requestId, at, step: 'Received', detail: { lines: record.lines.length, fulfilment: record.fulfilment } });
    businessMetrics.requestReceived();
  }
  // Also on a repeat: the first attempt may have died between registering and starting.
  await startWorkflow(record.requestId);
  const statusUrl = statusUrlOf(event, record.requestId);
  return json(202, { requestId: record.requestId, status: registered.request.status, statusUrl }, { location: statusUrl });
}

async function checkReferences(submission: CustomerRequestSubmission): Promise<void> {
  const problems: FieldProblem[] = [];
  const territories = new DynamoTerritoryDirectory(ctx);
  const [customer, products, store] = await Promise.all([
    submission.customerId ? new DynamoCustomerRepository(ctx).getCustomer(submission.customerId) : undefined,
    new DynamoCatalogueRepository(ctx).getProducts(submission.lines.map((l) => l.sku)),
    submission.preferredStoreId ? new DynamoStoreDirectory(ctx, territories).getStore(submission.preferredStoreId) : undefined,
  ]);
  if (submission.customerId && !customer) problems.push({ field: 'customerId', problem: `customer ${submission.customerId} is not known; send a prospect (name, postcode) for a new customer` });
  const known = new Map(products.map((p) => [p.sku, p]));
  submission.lines.forEach((line, i) => {
    const product = known.get(line.sku);
    if (!product) problems.push({ field: `lines.${i}.sku`, problem: `${line.sku} is not in the catalogue` });
    else if (product.unit !== line.unit) problems.push({ field: `lines.${i}.unit`, problem: `${line.sku} is sold by ${product.unit}, not ${line.unit}` });
  });
  if (submission.preferredStoreId && !store) problems.push({ field: 'preferredStoreId', problem: `store ${submission.preferredStoreId} does not exist` });
  if (submission.prospect && !(await territories.territoryForPostcode(submission.prospect.postcode))) {
    problems.push({ field: 'prospect.postcode', problem: `no sales territory covers postcode ${submission.prospect.postcode}` });
  }
  if (problems.length > 0) throw new ValidationError('customer request', problems);
}

async function startWorkflow(requestId: string): Promise<void> {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionNameFor(requestId), input: JSON.stringify({ requestId }) }));
  } catch (error) {
    // The execution of this request exists (running or ended): exactly what a repeat should find.
    if (error instanceof ExecutionAlreadyExists) {
      logger.info('workflow already started', { requestId });
      return;
    }
    throw error;
  }
}

function statusUrlOf(event: Pick<APIGatewayProxyEvent, 'requestContext' | 'headers'>, requestId: string): string {
  const { domainName, stage } = event.requestContext;
  const path = `/requests/${encodeURIComponent(requestId)}`;
  const scheme = event.headers?.['x-forwarded-proto'] ?? event.headers?.['X-Forwarded-Proto'] ?? 'https';
  return domainName ? `${scheme}://${domainName}/${stage}${path}` : path;
}

export const handler = httpHandler((event) => submitRequest(event));
