/**
 * What each kind of customer task (handover, priceDecision, priceCounter,
 * followUp) brings to the shared decision link `/tasks/{ref}`: how an answer
 * is read and checked, what is written with it, and what its page shows.
 * customer-task-link.ts does the rest the same way for every kind.
 */
import type { TableContext } from '../../repository/document-client';
import type { AnswerRecords, CustomerTaskRef, StoredAnswer } from '../../repository/customer-task-repository';
import type { Language } from '../../domain/model';
import type { Recipient, SentNotification, TandemNotifier } from '../../customer-request/workflow/tandem-notifier';

export interface TaskPageContent {
  /** The page's heading, e.g. "Sonderpreis" / "Special price". */
  readonly title: string;
  /** One paragraph saying what is asked. */
  readonly lead: string;
  /** Label and value pairs: the facts the person decides on. */
  readonly facts: readonly (readonly [string, string])[];
  /** The form's fields as HTML (every value escaped): radio buttons named `outcome` and their inputs. */
  readonly formFields: string;
  /** The submit button's text. */
  readonly submit: string;
}

/** What records() gets besides the answer: the table, and what check() read of the case. */
export interface AnswerContext<C> {
  readonly tableName: string;
  readonly checked: C;
}

/** `C`: what check() reads of the case and records() writes from (e.g. the plan an extension moves). */
export interface CustomerTaskKindHandler<C = unknown> {
  /** The answer from a JSON body; a ValidationError names the field and the problem. */
  parseAnswer(body: unknown): StoredAnswer['answer'];
  /** The same answer from the page's form fields (strings), before parseAnswer sees it. */
  fromForm(form: URLSearchParams): unknown;
  /** Checks the answer against the case now (ConflictError / ValidationError); writes nothing; returns what records() needs of the case. */
  check(ctx: TableContext, ref: CustomerTaskRef, answer: StoredAnswer['answer'], now: Date): Promise<C>;
  /** The case's own records, written in one transaction with the answer (conditioned on the case as check() read it, where that matters). */
  records(ref: CustomerTaskRef, decided: StoredAnswer, context: AnswerContext<C>): ReturnType<AnswerRecords>;
  /** What the link's page shows, in the holder's language. */
  page(ctx: TableContext, ref: CustomerTaskRef, language: Language): Promise<TaskPageContent>;
  /**
   * Sends the task's message to a person it was re-targeted to (a reassignment
   * or a replaced person), with the new link; the notification log records it
   * under the task's case with `occasion`.
   */
  resend(ctx: TableContext, notifier: TandemNotifier, ref: CustomerTaskRef, holder: Recipient, link: string, occasion: string): Promise<readonly SentNotification[]>;
}
