/**
 * The shapes that travel through the CustomerRequest state machine
 * (workflows/customer-request.ts). Ids, SKUs, quantities and times only: the
 * execution history must hold no names, numbers or addresses.
 */
import type { RoutedRequest } from '../domain/routing';
import type { DecisionDeadlines } from '../domain/deadlines';

export interface WantedLine {
  readonly sku: string;
  readonly quantity: number;
}

/** `$.route`: RouteRequest's result. */
export interface RouteResult extends RoutedRequest {
  readonly lines: readonly WantedLine[];
  readonly neededBy: string;
  readonly preferredStoreId?: string;
}

/** `$.stock`: CheckStock's result. `lines` are what to reserve at `storeId` (all of them, or the best store's part). */
export type StockResult =
  | {
      readonly kind: 'full' | 'partial';
      readonly storeId: string;
      readonly distanceKm: number;
      readonly lines: readonly WantedLine[];
      readonly missing: readonly WantedLine[];
      readonly offers: readonly { readonly storeId: string; readonly distanceKm: number; readonly lines: readonly WantedLine[] }[];
      readonly attempt: number;
    }
  | { readonly kind: 'none'; readonly missing: readonly WantedLine[]; readonly offers: readonly never[]; readonly attempt: number };

/** `$.reservation`: ReserveStock's result. */
export type ReserveResult = { readonly outcome: 'reserved'; readonly holdUntil: string } | { readonly outcome: 'insufficient' };

/** `$.escalation`: PlanEscalation's result; the seconds feed the callback tasks' TimeoutSecondsPath. */
export interface EscalationPlan extends Omit<DecisionDeadlines, 'insideWindowSeconds'> {
  readonly insideRef: string;
  readonly fieldRef: string;
  readonly missing: readonly WantedLine[];
  readonly offers: StockResult['offers'];
  /** Until the reminder. */
  readonly insideWarnSeconds: number;
  /** From the reminder to the hand-over. */
  readonly insideRestSeconds: number;
}

/** `$.outcome`: ConcludeRequest's result. */
export interface ConcludeResult {
  readonly status: 'RESERVED' | 'PARTIAL' | 'SOURCED' | 'UNFULFILLED';
  /** When the last hold lapses, or null when nothing is held. */
  readonly holdUntil: string | null;
}

/** `$.notified`: what telling the tandem sent; `heldUntil` when an informational SMS waits for the end of quiet hours. */
export interface NotifyResult {
  readonly notified: number;
  readonly heldUntil: string | null;
}

/** The state after a request is concluded and its tandem told (FulfilRequest, ConcludeRequest). */
export interface ConcludedState {
  readonly requestId: string;
  readonly outcome: ConcludeResult;
  readonly notified: NotifyResult;
}

/** The state after FulfilRequest: concluded (all held), or what the escalation needs. */
export type FulfilResult =
  | (ConcludedState & { readonly route: RouteResult; readonly stock: StockResult })
  | { readonly requestId: string; readonly route: RouteResult; readonly stock: StockResult; readonly partHeld: boolean };
