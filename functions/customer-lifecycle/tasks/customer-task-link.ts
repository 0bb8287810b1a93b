/**
 * The decision link of a customer task: its page (GET /tasks/{ref}, which
 * never decides) and its answer (POST /tasks/{ref}/decision, JSON or the
 * page's form). The answer is stored with the case's records first and then
 * wakes the waiting workflow task (SendTaskSuccess with the answer as output;
 * the workflow branches on `outcome`). Unknown → 404, used / passed on /
 * expired → 410, an answer the case no longer allows → 409, bad input → 400;
 * none of these touches the workflow.
 */
import { InvalidToken, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, type SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '../../domain/errors';
import type { Language } from '../../domain/model';
import type { TableContext } from '../../repository/document-client';
import { DynamoCustomerTasks, type CustomerTaskRef, type StoredAnswer } from '../../repository/customer-task-repository';
import { whyGone } from '../../repository/escalation-repository';
import { DynamoTandemDirectory } from '../../repository/tandem-directory';
import { escapeHtml, GoneError, html, json } from '../../shared/http-response';
import { logger } from '../../shared/powertools';
import { formatDateTime } from '../../customer-request/domain/messages';
import type { CustomerTaskKindHandler, TaskPageContent } from './customer-task-kind';
import { CUSTOMER_TASK_HANDLERS } from './customer-task-kinds';

function handlerOf(ref: CustomerTaskRef): CustomerTaskKindHandler {
  const handler = CUSTOMER_TASK_HANDLERS[ref.kind];
  if (!handler) throw new Error(`no handler for customer task kind ${ref.kind}`);
  return handler;
}

/** The task output the workflow reads: the answer's fields plus who answered and when. */
export function answerOutput(decided: StoredAnswer): Record<string, unknown> {
  return { ...decided.answer, decidedBy: decided.decidedBy, decidedAt: decided.decidedAt };
}

/** Wakes the callback task waiting for an answer; a token that is gone is no error (the next phase finds the answer). */
export async function deliverAnswer(sfn: SFNClient, taskToken: string, decided: StoredAnswer): Promise<'delivered' | 'task-gone'> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(answerOutput(decided)) }));
    return 'delivered';
  } catch (error) {
    if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return 'task-gone';
    throw error;
  }
}

/** Takes a person's answer to a customer task. */
export async function answerCustomerTask(
  ctx: TableContext,
  sfn: SFNClient,
  current: CustomerTaskRef,
  input: { readonly json: unknown } | { readonly form: URLSearchParams },
  now: Date,
): Promise<APIGatewayProxyResult> {
  const handler = handlerOf(current);
  const answer = handler.parseAnswer('form' in input ? handler.fromForm(input.form) : input.json);
  const gone = whyGone(current, now.toISOString());
  if (gone) throw new GoneError(`decision reference ${current.ref} ${current.status === 'SUPERSEDED' && current.supersededBecause ? current.supersededBecause : gone}`);
  const checked = await handler.check(ctx, current, answer, now);
  const taken = await new DynamoCustomerTasks(ctx).decide(current.ref, answer, now.toISOString(), (ref, decided) =>
    handler.records(ref, decided, { tableName: ctx.tableName, checked }),
  );
  if (taken.outcome === 'unknown') throw new NotFoundError('decision reference', current.ref);
  if (taken.outcome === 'gone') throw new GoneError(`decision reference ${current.ref} ${taken.why}`);
  const delivery = taken.ref.taskToken && taken.ref.decided ? await deliverAnswer(sfn, taken.ref.taskToken, taken.ref.decided) : 'task-gone';
  logger.info('customer task answered', { kind: current.kind, caseId: current.caseId, outcome: answer.outcome, delivery });
  return json(200, { customerId: current.customerId, caseId: current.caseId, kind: current.kind, outcome: answer.outcome, decidedBy: current.holderId, accepted: true });
}

const TEXT = {
  de: { hello: 'Hallo', answerBy: 'Bitte antworten bis', gone: 'Dieser Link entscheidet nicht mehr', choose: 'Bitte eine Möglichkeit wählen:' },
  en: { hello: 'Hello', answerBy: 'Please answer by', gone: 'This link no longer decides', choose: 'Please choose one:' },
} as const;

/** The page of a customer task's link, with an optional notice (after a form POST). */
export async function customerTaskPage(ctx: TableContext, current: CustomerTaskRef, now: Date, notice?: string): Promise<APIGatewayProxyResult> {
  const person = (await new DynamoTandemDirectory(ctx).people([current.holderId]))[0]?.person;
  const language: Language = person?.language ?? 'de';
  const content = await handlerOf(current).page(ctx, current, language);
  const gone = whyGone(current, now.toISOString());
  const why = gone && current.status === 'SUPERSEDED' && current.supersededBecause ? current.supersededBecause : gone;
  return html(gone && !notice ? 410 : 200, renderTaskPage(current, content, language, person?.name ?? current.holderId, why, notice));
}

function renderTaskPage(ref: CustomerTaskRef, content: TaskPageContent, language: Language, holderName: string, gone: string | undefined, notice: string | undefined): string {
  const t = TEXT[language];
  const e = escapeHtml;
  const facts = content.facts.map(([label, value]) => `<dt>${e(label)}</dt><dd>${e(value)}</dd>`).join('');
  const form = gone
    ? `<p class="gone"><strong>${e(t.gone)}:</strong> ${e(gone)}</p>`
    : `<form method="post" action="${e(ref.ref)}/decision">
<p>${e(t.choose)}</p>
${content.formFields}
<p><button type="submit">${e(content.submit)}</button></p>
</form>`;
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Tandem 360 – ${e(content.title)}</title></head>
<body>
<h1>Tandem 360 – ${e(content.title)}</h1>
${notice ? `<p class="notice"><strong>${e(notice)}</strong></p>` : ''}
<p>${e(t.hello)} ${e(holderName)},</p>
<p>${e(content.lead)}</p>
<dl>${facts}</dl>
<p>${e(t.answerBy)} ${e(formatDateTime(ref.answerBy, language))}.</p>
${form}
</body>
</html>
`;
}
