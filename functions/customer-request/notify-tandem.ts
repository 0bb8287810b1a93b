/**
 * Workflow step NotifyTandem: tells both partners the outcome — reserved,
 * partly reserved, sourced by a decision, or unfulfilled — by their channels
 * and in their language, once (a retried step finds its notifications sent).
 */
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoReservationRepository } from '../repository/reservation-repository';
import { stepHandler } from '../shared/step-handler';
import type { ConcludeResult } from './workflow/state';
import { tableContext, tandemNotifier } from './workflow/step-context';

export interface NotifyTandemInput {
  readonly requestId: string;
  readonly status: ConcludeResult['status'];
}

/** `heldUntil`: the earliest end of quiet hours an informational SMS waits for; the workflow waits and runs this step again. */
export async function notifyTandem(input: NotifyTandemInput, now = new Date()): Promise<{ notified: number; heldUntil: string | null }> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  const notifier = tandemNotifier();
  const holds = (await new DynamoReservationRepository(ctx).reservationsFor(input.requestId)).filter((h) => h.status === 'HELD');
  const facts = await notifier.facts(input.requestId, holds.flatMap((h) => h.lines.map((l) => l.sku)));
  const recipients = await notifier.recipients(facts.tandem);
  const initial = holds.find((h) => h.hold === 'initial');
  const decided = holds.find((h) => h.hold === 'decided');
  const decision = (await requests.decisionsFor(input.requestId)).at(-1);
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

export const handler = stepHandler('NotifyTandem', (input: NotifyTandemInput) => notifyTandem(input));
