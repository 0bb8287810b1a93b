/**
 * The page a tandem partner sees when they open a decision link on their
 * phone: what is asked, until when, and the three choices as one small form
 * that POSTs to `/tasks/{ref}/decision`. Opening it never decides anything
 * (mail scanners and link previews open links too). Pure: HTML from data,
 * every value escaped.
 */
import type { Language } from '../../domain/model';
import { escapeHtml } from '../../shared/http-response';
import { formatDateTime, formatQuantity, type MessageLine } from './messages';

export interface DecisionPageData {
  readonly ref: string;
  readonly language: Language;
  readonly holderName: string;
  readonly customerName: string;
  readonly requestId: string;
  readonly neededBy: string;
  readonly answerBy: string;
  readonly missing: readonly MessageLine[];
  /** Why the link no longer decides, when it does not. */
  readonly gone?: string;
  /** Shown after a POST from this page. */
  readonly notice?: string;
}

const TEXT = {
  de: {
    title: 'Entscheidung', hello: 'Hallo', needs: 'braucht', by: 'bis', answerBy: 'Bitte entscheiden bis', request: 'Anfrage',
    sourced: 'Beschafft in Markt (z. B. S004)', alternative: 'Alternative anbieten: Artikel (z. B. GEF-0002) und Menge', declined: 'Ablehnen mit Grund',
    send: 'Entscheidung senden', gone: 'Dieser Link entscheidet nicht mehr', choose: 'Bitte eine Möglichkeit wählen und ausfüllen:',
  },
  en: {
    title: 'Decision', hello: 'Hello', needs: 'needs', by: 'by', answerBy: 'Please decide by', request: 'Request',
    sourced: 'Sourced at store (e.g. S004)', alternative: 'Offer an alternative: SKU (e.g. GEF-0002) and quantity', declined: 'Decline with a reason',
    send: 'Send decision', gone: 'This link no longer decides', choose: 'Please choose one and fill it in:',
  },
} as const;


export function renderDecisionPage(data: DecisionPageData): string {
  const t = TEXT[data.language];
  const e = escapeHtml;
  const lines = data.missing.map((l) => `<li>${e(formatQuantity(l.quantity, l.unit, data.language))} ${e(l.productName)} (${e(l.sku)})</li>`).join('');
  const form = data.gone
    ? `<p class="gone"><strong>${e(t.gone)}:</strong> ${e(data.gone)}</p>`
    : `<form method="post" action="${e(data.ref)}/decision">
<p>${e(t.choose)}</p>
<p><label><input type="radio" name="outcome" value="sourced" required> ${e(t.sourced)}</label><br><input name="storeId" pattern="S[0-9]{3}" size="6" autocomplete="off"></p>
<p><label><input type="radio" name="outcome" value="alternative"> ${e(t.alternative)}</label><br><input name="sku" pattern="[A-Z]{3}-[0-9]{4}" size="10" autocomplete="off"> <input name="quantity" inputmode="decimal" size="6"></p>
<p><label><input type="radio" name="outcome" value="declined"> ${e(t.declined)}</label><br><input name="reason" maxlength="500" size="30"></p>
<p><button type="submit">${e(t.send)}</button></p>
</form>`;
  return `<!doctype html>
<html lang="${data.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Tandem 360 – ${e(t.title)}</title></head>
<body>
<h1>Tandem 360 – ${e(t.title)}</h1>
${data.notice ? `<p class="notice"><strong>${e(data.notice)}</strong></p>` : ''}
<p>${e(t.hello)} ${e(data.holderName)},</p>
<p>${e(data.customerName)} ${e(t.needs)} ${e(t.by)} ${e(formatDateTime(data.neededBy, data.language))}:</p>
<ul>${lines}</ul>
<p>${e(t.answerBy)} ${e(formatDateTime(data.answerBy, data.language))}. ${e(t.request)}: ${e(data.requestId)}</p>
${form}
</body>
</html>
`;
}
