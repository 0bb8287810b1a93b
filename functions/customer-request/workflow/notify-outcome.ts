/**
 * Tells both partners a request's outcome (FulfilRequest, ConcludeRequest, and
 * the NotifyTandem step that sends an SMS held for quiet hours) — reserved,
 * partly reserved, sourced by a decision, or unfulfilled — by their channels
 * and in their language, once (a retried step finds its notifications sent).
 */
import { DynamoRequestRepository } from '../../repository/request-repository';
import { DynamoReservationRepository, type Reservation } from '../../repository/reservation-repository';
import type { DecisionRecord } from '../../domain/model';
import { factsOfRouted, type RequestFacts } from './request-facts';
import type { ConcludeResult, NotifyResult } from './state';
import { tableContext, tandemNotifier } from './step-context';

/** What FulfilRequest already holds, so that telling the tandem reads only products and store. */
export interface KnownToNotify {
  readonly holds: readonly Reservation[];
  readonly decisions: readonly DecisionRecord[];
  readonly parties: Pick<RequestFacts, 'request' | 'customer' | 'tandem'>;
}

export interface NotifyTandemInput {
  readonly requestId: string;
  readonly status: ConcludeResult['status'];
}

/** `heldUntil`: the earliest end of quiet hours an informational SMS waits for; the workflow waits and runs this step again. */
export async function notifyTandem(input: NotifyTandemInput, now = new Date(), known?: KnownToNotify): Promise<NotifyResult> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  const notifier = tandemNotifier();
  const holds = (known?.holds ?? (await new DynamoReservationRepository(ctx).reservationsFor(input.requestId))).filter((h) => h.status === 'HELD');
  const heldSkus = holds.flatMap((h) => h.lines.map((l) => l.sku));
  const facts = known ? await factsOfRouted(ctx, known.parties, heldSkus) : await notifier.facts(input.requestId, heldSkus);
  const recipients = await notifier.recipients(facts.tandem);
  const initial = holds.find((h) => h.hold === 'initial');
  const decided = holds.find((h) => h.hold === 'decided');
  const decision = (known?.decisions ?? (await requests.decisionsFor(input.requestId))).at(-1);
  const nameOf = (personId: string | undefined) =>
    [facts.tandem.insideManager, facts.tandem.fieldManager].find((p) => p.personId === personId)?.name ?? personId ?? '';

  let sent;
  switch (input.status) {
    case 'RESERVED': {
      const store = await notifier.store(initial!.storeId);
      sent = await notifier.send(input.requestId, 'reserved', recipients, (r) => ({ ...notifier.common(facts, r), store, reservedUntil: initial!.expiresAt }));
      break;
    }
    case 'PARTIAL': {
      const store = await notifier.store(initial!.storeId);
      const reserved = notifier.lines(facts, initial!.lines);
      const missing = notifier.lines(
        facts,
        facts.request.lines.flatMap((line) => {
          const got = initial!.lines.find((l) => l.sku === line.sku)?.quantity ?? 0;
          return got < line.quantity ? [{ sku: line.sku, quantity: Math.round((line.quantity - got) * 1000) / 1000 }] : [];
        }),
      );
      sent = await notifier.send(input.requestId, 'partial', recipients, (r) => ({ ...notifier.common(facts, r), store, reserved, missing }));
      break;
    }
    case 'SOURCED': {
      const store = await notifier.store(decided!.storeId);
      const decidedByName = nameOf(decision?.decidedBy);
      sent = await notifier.send(input.requestId, 'sourced', recipients, (r) => ({ ...notifier.common(facts, r), store, decidedByName }));
      break;
    }
    case 'UNFULFILLED': {
      const reason =
        decision?.outcome === 'declined'
          ? { kind: 'declined' as const, text: decision.reason ?? '', byName: nameOf(decision.decidedBy) }
          : { kind: 'timeout' as const };
      sent = await notifier.send(input.requestId, 'unfulfilled', recipients, (r) => ({ ...notifier.common(facts, r), reason }));
      break;
    }
  }
  await requests.appendAuditEvent({
    requestId: input.requestId,
    at: now.toISOString(),
    step: 'NotifyTandem',
    detail: { status: input.status, notified: sent.map((s) => `${s.personId}:${s.channel}${s.outcome === 'sent' ? '' : `:${s.outcome}`}`) },
  });
  const held = sent.flatMap((s) => (s.heldUntil ? [s.heldUntil] : [])).sort();
  return { notified: sent.filter((s) => s.outcome === 'sent').length, heldUntil: held[0] ?? null };
}
