/**
 * POST /price-requests: a tandem partner asks for a special price for a
 * customer's weekly volume of one product (story case 3). The body is
 * validated against the one schema (domain/price-request.ts); the customer,
 * the product, its unit and the person asking are checked against the table
 * — like POST /requests, an unknown customer or product is a 400 naming
 * `customerId` or `sku`, with every problem in one answer. The volume's tier
 * gives the suggested price and the proposal's judgement (domain/price-tiers.ts).
 *
 * The request and its `PriceRequested` event are written in one transaction,
 * once per priceRequestId: the same body again answers 200 with the request
 * as it stands, a different body — another customer's request included — is
 * a 409. The PriceRequest workflow starts under a name derived from the id,
 * so no repeat starts a second one. Nothing is written for a bad request.
 */
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, ValidationError, type FieldProblem } from '../../domain/errors';
import type { Customer, Product, Tandem } from '../../domain/model';
import { absenceOn } from '../../notifications/delivery-policy';
import { DynamoCatalogueRepository } from '../../repository/catalogue-repository';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { createDocumentClient } from '../../repository/document-client';
import { DynamoPriceRepository, type PriceRequestRecord } from '../../repository/price-repository';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { requiredEnv } from '../../shared/environment';
import { httpHandler } from '../../shared/http-handler';
import { correlateWith } from '../../shared/correlation';
import { json, parseJsonBody } from '../../shared/http-response';
import { logger } from '../../shared/powertools';
import { parsePriceRequest, type PriceRequest } from '../domain/price-request';
import { judgeProposal, suggestPrice } from '../domain/price-tiers';
import { priceExecutionName, priceRequestFingerprint } from './price-request-identity';

/** Far above any real request (a 500-character note is the largest part); a larger body is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

type SubmitEvent = Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>;

export async function submitPriceRequest(event: SubmitEvent, now = new Date()) {
  const size = event.body === null ? 0 : Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (size > MAX_BODY_BYTES) throw new ValidationError('price request', [{ field: 'body', problem: `must be at most ${MAX_BODY_BYTES} bytes, got ${size}` }]);
  const request = parsePriceRequest(parseJsonBody(event.body, event.isBase64Encoded));
  correlateWith(request.priceRequestId);
  const { product } = await checkReferences(request, now);
  const suggestion = suggestPrice(product, request.weeklyVolume, request.unit);
  const fingerprint = priceRequestFingerprint(request);
  const prices = new DynamoPriceRepository(ctx);
  if (!(await prices.getRequest(request.customerId, request.priceRequestId))) {
    const running = await executionOf(request.priceRequestId);
    if (running && running.customerId !== request.customerId) throw idTaken(request.priceRequestId);
  }

  const at = now.toISOString();
  const record: PriceRequestRecord = {
    priceRequestId: request.priceRequestId,
    customerId: request.customerId,
    sku: product.sku,
    productName: product.name,
    unit: request.unit,
    weeklyVolume: request.weeklyVolume,
    proposedPrice: request.proposedPrice,
    ...(request.note ? { note: request.note } : {}),
    requestedBy: request.requestedBy,
    listPrice: product.listPrice,
    suggestion,
    judgement: judgeProposal(request.proposedPrice, suggestion),
    status: 'PENDING',
    createdAt: at,
    updatedAt: at,
  };
  const registered = await prices.register(record, fingerprint, {
    customerId: record.customerId,
    caseId: record.priceRequestId,
    at,
    step: 'PriceRequested',
    detail: {
      sku: record.sku,
      unit: record.unit,
      weeklyVolume: record.weeklyVolume,
      proposedPrice: record.proposedPrice,
      requestedBy: record.requestedBy,
      tier: suggestion.tier,
      suggestedPrice: suggestion.suggestedPrice,
      floorPrice: suggestion.floorPrice,
      judgement: record.judgement,
    },
  });
  if (registered.outcome === 'conflict') {
    throw new ConflictError(`price request ${request.priceRequestId} was already submitted with a different body; use a new priceRequestId for a new request`);
  }
  // Also on a repeat of a request still pending: the first attempt may have died between registering and starting.
  if (registered.request.status === 'PENDING' && (await startWorkflow(record)) === 'another-customer') {
    // Another customer's request took the id at this very moment: this one goes again, as if never written.
    if (registered.outcome === 'created') await prices.withdraw(record, fingerprint, at);
    throw idTaken(request.priceRequestId);
  }
  return json(registered.outcome === 'created' ? 201 : 200, view(registered.request));
}

/** Every reference problem in one 400: the customer, the product and its unit, and who asks. */
async function checkReferences(request: PriceRequest, now: Date): Promise<{ customer: Customer; product: Product; tandem: Tandem }> {
  const [customer, product] = await Promise.all([
    new DynamoCustomerRepository(ctx).getCustomer(request.customerId),
    new DynamoCatalogueRepository(ctx).getProduct(request.sku),
  ]);
  const tandem = customer ? await new DynamoTerritoryDirectory(ctx).getTandem(customer.territoryId) : undefined;
  const problems: FieldProblem[] = [];
  if (!customer) problems.push({ field: 'customerId', problem: `customer ${request.customerId} is not known` });
  if (!product) problems.push({ field: 'sku', problem: `${request.sku} is not in the catalogue` });
  else if (product.unit !== request.unit) problems.push({ field: 'unit', problem: `must be ${product.unit}, the unit ${product.sku} is sold in (got ${request.unit})` });
  if (customer && tandem && !asksForTandem(tandem, request.requestedBy, now)) {
    problems.push({ field: 'requestedBy', problem: `must be the field or inside manager of the tandem of ${customer.territoryId}, which looks after customer ${customer.customerId}, or their deputy during an absence` });
  }
  if (problems.length > 0) throw new ValidationError('price request', problems);
  if (!tandem) throw new ConflictError(`territory ${customer!.territoryId} has no complete tandem, so nobody could decide on a special price for customer ${customer!.customerId}`);
  return { customer: customer!, product: product!, tandem };
}

function asksForTandem(tandem: Tandem, personId: string, now: Date): boolean {
  return [tandem.fieldManager, tandem.insideManager].some((person) => person.personId === personId || absenceOn(person, now)?.deputyId === personId);
}

const executionArnOf = (priceRequestId: string): string => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${priceExecutionName(priceRequestId)}`;

/** The customer whose workflow runs (or ran) under the id's execution name, if any. */
async function executionOf(priceRequestId: string): Promise<{ customerId: string } | undefined> {
  try {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(priceRequestId) }));
    const input = JSON.parse(described.input ?? '{}') as { customerId?: string };
    return { customerId: input.customerId ?? '' };
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    throw error;
  }
}

const idTaken = (priceRequestId: string) =>
  new ConflictError(`priceRequestId ${priceRequestId} is already used by another customer's price request; use a new priceRequestId`);

async function startWorkflow(record: PriceRequestRecord): Promise<'started' | 'already-started' | 'another-customer'> {
  const input = JSON.stringify({ customerId: record.customerId, priceRequestId: record.priceRequestId });
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: priceExecutionName(record.priceRequestId), input }));
    return 'started';
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    // The name is taken: by this request's own workflow (a repeat) — exactly what a repeat should find — or by another customer's.
    const running = await executionOf(record.priceRequestId);
    if (running && running.customerId !== record.customerId) return 'another-customer';
    logger.info('workflow already started', { priceRequestId: record.priceRequestId });
    return 'already-started';
  }
}

/** What the caller gets back, the first time and on every repeat. */
function view(request: PriceRequestRecord) {
  return {
    priceRequestId: request.priceRequestId,
    customerId: request.customerId,
    sku: request.sku,
    productName: request.productName,
    unit: request.unit,
    weeklyVolume: request.weeklyVolume,
    proposedPrice: request.proposedPrice,
    listPrice: request.listPrice,
    status: request.status,
    suggestion: request.suggestion,
    judgement: request.judgement,
  };
}

export const handler = httpHandler((event) => submitPriceRequest(event));
