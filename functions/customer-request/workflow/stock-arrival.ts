/**
 * When a stock count brings free units of a product that an escalated request
 * waits for, the person holding that decision is told where it now is (SMS and
 * email with the decision link). Once per request, store and count: a repeated
 * feed batch tells no one twice.
 */
import { DynamoEscalationRepository } from '../../repository/escalation-repository';
import type { TableContext } from '../../repository/document-client';
import { correlateWith } from '../../shared/correlation';
import { logger } from '../../shared/powertools';
import type { TandemNotifier } from './tandem-notifier';
import { decisionLink } from './step-context';

export interface ArrivedLevel {
  readonly sku: string;
  /** Free units after the count (available − reserved). */
  readonly free: number;
}

export async function announceArrivals(
  ctx: TableContext,
  notifier: TandemNotifier,
  storeId: string,
  countedAt: string,
  levels: readonly ArrivedLevel[],
): Promise<number> {
  const escalations = new DynamoEscalationRepository(ctx);
  const arrivalsByRequest = new Map<string, { sku: string; quantity: number }[]>();
  for (const level of levels.filter((l) => l.free > 0)) {
    for (const waiting of await escalations.waitingFor(level.sku)) {
      const list = arrivalsByRequest.get(waiting.requestId) ?? [];
      list.push({ sku: level.sku, quantity: level.free });
      arrivalsByRequest.set(waiting.requestId, list);
    }
  }
  if (arrivalsByRequest.size === 0) return 0;
  const store = await notifier.store(storeId);
  let told = 0;
  // The lines about one waiting request carry its id; the feed's own id again afterwards.
  const feedCorrelationId = logger.getCorrelationId();
  for (const [requestId, arrived] of arrivalsByRequest) {
    correlateWith(requestId);
    const escalation = await escalations.getEscalation(requestId);
    if (escalation?.status !== 'OPEN') continue;
    const ref = await escalations.getRef(escalation.ref);
    const facts = await notifier.facts(requestId, arrived.map((a) => a.sku));
    // The person the link was sent to: one of the tandem, or a deputy.
    const recipient = await notifier.holder(facts.tandem, ref?.holderId ?? escalation.holderId, escalation.role);
    const holder = recipient.person;
    await notifier.send(
      requestId,
      'stockArrived',
      [recipient],
      () => ({
        ...notifier.common(facts, recipient),
        link: decisionLink(escalation.ref),
        answerBy: ref?.answerBy ?? facts.request.neededBy,
        store,
        arrived: notifier.lines(facts, arrived),
      }),
      `${storeId}-${countedAt}`,
    );
    logger.info('stock arrival announced', { requestId, storeId, holderId: holder.personId });
    told++;
  }
  correlateWith(typeof feedCorrelationId === 'string' ? feedCorrelationId : undefined);
  return told;
}
