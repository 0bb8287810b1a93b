/**
 * POST /tasks/{ref}/decision: a tandem partner answers an escalated request
 * from the link in their SMS or email. The reference is the credential (128
 * random bits, single-use, bound to one holder and phase); the answer is stored
 * first and then handed to the waiting workflow task (SendTaskSuccess, or
 * SendTaskFailure for a decline). Unknown reference → 404; used, handed-over or
 * expired → 410; a store that cannot give the missing goods → 409 and the
 * reference stays usable. None of these touches the workflow.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { StockLevel } from '../domain/model';
import { DynamoCatalogueRepository } from '../repository/catalogue-repository';
import { batchGetAll, createDocumentClient } from '../repository/document-client';
import { DynamoEscalationRepository, whyGone } from '../repository/escalation-repository';
import { DynamoStoreDirectory } from '../repository/store-directory';
import { fromItem, key } from '../repository/table-layout';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { requiredEnv } from '../shared/environment';
import { httpHandler } from '../shared/http-handler';
import { errorResponse, GoneError, html, json, messagePage, parseJsonBody } from '../shared/http-response';
import { decisionPage } from './workflow/decision-view';
import { logger } from '../shared/powertools';
import { businessMetrics } from '../shared/business-metrics';
import { correlateWith } from '../shared/correlation';
import { isDecisionRef, parseDecision, type Decision } from './domain/decision';
import { freeStock } from './domain/stock-selection';
import { deliverDecision } from './workflow/deliver-decision';
import { DynamoCustomerTasks, type CustomerTaskRef } from '../repository/customer-task-repository';
import { answerCustomerTask, customerTaskPage } from '../customer-lifecycle/tasks/customer-task-link';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
const sfn = new SFNClient({});

type DecisionEvent = Pick<APIGatewayProxyEvent, 'pathParameters' | 'body' | 'isBase64Encoded' | 'headers'>;

export async function decideTask(event: DecisionEvent, now = new Date()) {
  const ref = event.pathParameters?.ref ?? '';
  if (!isDecisionRef(ref)) {
    throw new ValidationError('path parameter ref', [{ field: 'ref', problem: 'must be the 22-character reference from a decision link' }]);
  }
  // The same link answers customer tasks (handover, special price, follow-up): their kind reads the answer.
  const customerTask = await new DynamoCustomerTasks(ctx).getRef(ref);
  correlateWith(customerTask?.caseId);
  if (customerTask) return answerCustomerTask(ctx, sfn, customerTask, fromForm(event) ? { form: formFields(event) } : { json: parseJsonBody(event.body, event.isBase64Encoded) }, now);
  const decision = parseDecision(fromForm(event) ? formDecision(event) : parseJsonBody(event.body, event.isBase64Encoded));
  const escalations = new DynamoEscalationRepository(ctx);
  const current = await escalations.getRef(ref);
  if (!current) throw new NotFoundError('decision reference', ref);
  correlateWith(current.requestId);
  // A used, handed-over or expired link is gone whatever it answers: checked before the store's stock, which
  // would otherwise answer 409 "the link stays valid" for a link that no longer decides.
  const gone = whyGone(current, now.toISOString());
  if (gone) throw new GoneError(`decision reference ${ref} ${gone}`);
  // Read once: the check needs what is missing, the decision response time when it was opened.
  const escalation = await escalations.getEscalation(current.requestId);
  await checkDecision(decision, escalation?.missing ?? []);

  const taken = await escalations.decide(ref, decision, now.toISOString());
  if (taken.outcome === 'unknown') throw new NotFoundError('decision reference', ref);
  if (taken.outcome === 'gone') throw new GoneError(`decision reference ${ref} ${taken.why}`);
  if (escalation) businessMetrics.decisionAnswered(escalation.openedAt, now);
  const { decided, taskToken } = taken.ref;
  const delivery = taskToken && decided ? await deliverDecision(sfn, taskToken, decided) : 'task-gone';
  // A token that just expired is harmless: the workflow's next step picks the stored decision up.
  logger.info('decision taken', { requestId: taken.ref.requestId, outcome: decision.outcome, delivery });
  return json(200, { requestId: taken.ref.requestId, outcome: decision.outcome, decidedBy: taken.ref.holderId, accepted: true });
}

/** The named store must exist and hold the missing goods now; an alternative must be in the catalogue. */
async function checkDecision(decision: Decision, missing: readonly { sku: string; quantity: number }[]): Promise<void> {
  if (decision.outcome === 'alternative') {
    if (!(await new DynamoCatalogueRepository(ctx).getProduct(decision.sku))) {
      throw new ValidationError('decision', [{ field: 'sku', problem: `${decision.sku} is not in the catalogue` }]);
    }
    return;
  }
  if (decision.outcome !== 'sourced') return;
  if (!(await new DynamoStoreDirectory(ctx, new DynamoTerritoryDirectory(ctx)).getStore(decision.storeId))) {
    throw new ValidationError('decision', [{ field: 'storeId', problem: `store ${decision.storeId} does not exist` }]);
  }
  const levels = (await batchGetAll(ctx, missing.map((line) => key.stock(decision.storeId, line.sku)))).map((item) => fromItem<StockLevel>(item));
  const short = missing.flatMap((line) => {
    const free = freeStock(levels.find((l) => l.sku === line.sku));
    return free < line.quantity ? [`${line.sku}: ${free} free of ${line.quantity} needed`] : [];
  });
  if (short.length > 0) throw new ConflictError(`store ${decision.storeId} cannot give the missing goods now (${short.join('; ')}); the link stays valid`);
}

/** The decision page's form posts form-encoded fields; the answer is then a page again, not JSON. */
function fromForm(event: Pick<APIGatewayProxyEvent, 'headers'>): boolean {
  const type = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function formFields(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): URLSearchParams {
  return new URLSearchParams(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
}

/** The form's fields as the decision they mean: only the fields of the chosen outcome, quantity as a number. */
function formDecision(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): unknown {
  const form = formFields(event);
  const field = (name: string) => form.get(name)?.trim() || undefined;
  switch (field('outcome')) {
    case 'sourced':
      return { outcome: 'sourced', storeId: field('storeId') };
    case 'alternative': {
      const quantity = field('quantity');
      return { outcome: 'alternative', sku: field('sku'), quantity: quantity === undefined ? undefined : Number(quantity.replace(',', '.')) };
    }
    case 'declined':
      return { outcome: 'declined', reason: field('reason') };
    default:
      return { outcome: field('outcome') };
  }
}

export const handler = httpHandler(async (event) => {
  if (!fromForm(event)) return decideTask(event);
  // A person at the form: the answer is the page again, with what happened on top.
  const ref = event.pathParameters?.ref ?? '';
  const pageWith = async (notice: string): Promise<string | undefined> => {
    if (!isDecisionRef(ref)) return undefined;
    const customerTask: CustomerTaskRef | undefined = await new DynamoCustomerTasks(ctx).getRef(ref);
    if (customerTask) return (await customerTaskPage(ctx, customerTask, new Date(), notice)).body;
    return (await decisionPage(ctx, ref, new Date(), notice))?.body;
  };
  try {
    const answer = await decideTask(event);
    const { outcome } = JSON.parse(answer.body) as { outcome: string };
    return html(200, (await pageWith(`✓ ${outcome}`)) ?? messagePage('Tandem 360', `✓ ${outcome}`));
  } catch (error) {
    const { statusCode, body } = errorResponse(error, '');
    if (statusCode >= 500) throw error;
    const { message } = JSON.parse(body) as { message: string };
    return html(statusCode, (await pageWith(message)) ?? messagePage('Tandem 360', message));
  }
});
