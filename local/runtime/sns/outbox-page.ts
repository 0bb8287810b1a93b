/**
 * The local outbox as people would see it: every SMS and email the local SNS
 * delivered, newest first, grouped by person and channel. `GET /_local/outbox`
 * is a plain server-rendered page (readable on a phone, no script, no external
 * assets); `GET /_local/outbox.json` is the same data for tools. `?person=` and
 * `?channel=` narrow both. Deliveries to machines (lambda, sqs, http/s,
 * application) are not shown: nobody reads them.
 *
 * Message bodies are untrusted text: everything is escaped, and only http(s)
 * URLs become links, so a person can follow the links the product sends.
 */
import type { HttpEndpoint, HttpRequest, HttpResponse, OutboxRecord } from '../contracts';
import type { LocalSns } from './local-sns';
// The XML escape covers HTML text and attribute values alike (& < > " ').
import { escapeXml as escapeHtml } from '../http/aws-query';

export const OUTBOX_PATH = '/_local/outbox';
const JSON_PATH = `${OUTBOX_PATH}.json`;
/** The channels a person reads; `email-json` is still an email to someone's address. */
const PERSON_CHANNELS: readonly OutboxRecord['channel'][] = ['sms', 'email', 'email-json'];
/** A URL ends before whitespace, quotes or angle brackets; trailing punctuation belongs to the sentence. */
const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

export type RecipientDescriber = (channel: string, endpoint: string) => Promise<{ personId: string; name: string } | undefined>;

export interface OutboxEndpointOptions {
  /** Names the person behind an endpoint; endpoints it does not know are grouped under themselves. */
  readonly describeRecipient?: RecipientDescriber;
}

export interface OutboxMessage {
  readonly deliveryId: string;
  readonly messageId: string;
  readonly at: string;
  readonly endpoint: string;
  readonly topicArn?: string;
  readonly subject?: string;
  readonly body: string;
}

export interface OutboxChannel {
  readonly channel: OutboxRecord['channel'];
  /** Newest first. */
  readonly messages: readonly OutboxMessage[];
}

export interface OutboxRecipient {
  /** The person id, or the endpoint itself for recipients describeRecipient does not know. */
  readonly key: string;
  readonly personId?: string;
  readonly name: string;
  readonly channels: readonly OutboxChannel[];
}

export interface OutboxView {
  readonly filter: { readonly person?: string; readonly channel?: string };
  /** The recipient with the newest delivery first. */
  readonly recipients: readonly OutboxRecipient[];
}

export function createOutboxEndpoint(sns: LocalSns, options: OutboxEndpointOptions = {}): HttpEndpoint {
  return async (request) => {
    const format = request.path === JSON_PATH ? 'json' : isPagePath(request.path) ? 'html' : undefined;
    if (!format) return undefined;
    if (request.method !== 'GET') return plain(405, 'The local outbox is read with GET.', { allow: 'GET' });
    const filter = filterOf(request);
    if (filter.channel !== undefined && !PERSON_CHANNELS.some((channel) => channel === filter.channel)) {
      return plain(400, `Unknown channel '${filter.channel}'; use one of ${PERSON_CHANNELS.join(', ')}.`);
    }
    const view = await outboxView(sns, filter, options.describeRecipient);
    if (format === 'json') return { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(view) };
    return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: renderPage(view) };
  };
}

function isPagePath(path: string): boolean {
  return path === OUTBOX_PATH || path === `${OUTBOX_PATH}/`;
}

function filterOf(request: HttpRequest): OutboxView['filter'] {
  const person = request.query.get('person') || undefined;
  const channel = request.query.get('channel') || undefined;
  return { ...(person ? { person } : {}), ...(channel ? { channel } : {}) };
}

/** Groups the person-facing deliveries, newest first; describeRecipient is asked once per endpoint. */
export async function outboxView(sns: LocalSns, filter: OutboxView['filter'], describe?: RecipientDescriber): Promise<OutboxView> {
  // The outbox is in delivery order, so reversed it is newest first whatever the (scaled) clock says.
  const records = sns
    .outbox()
    .filter((record) => PERSON_CHANNELS.includes(record.channel) && (filter.channel === undefined || record.channel === filter.channel))
    .reverse();
  const recipients = new Map<string, { key: string; personId?: string; name: string; channels: Map<OutboxRecord['channel'], OutboxMessage[]> }>();
  const described = new Map<string, Promise<{ personId: string; name: string } | undefined>>();
  for (const record of records) {
    const lookup = `${record.channel} ${record.endpoint}`;
    if (!described.has(lookup)) described.set(lookup, describe ? describe(record.channel, record.endpoint) : Promise.resolve(undefined));
    const person = await described.get(lookup);
    const key = person?.personId ?? record.endpoint;
    if (filter.person !== undefined && key !== filter.person) continue;
    let recipient = recipients.get(key);
    if (!recipient) {
      recipient = { key, ...(person ? { personId: person.personId } : {}), name: person?.name ?? record.endpoint, channels: new Map() };
      recipients.set(key, recipient);
    }
    const messages = recipient.channels.get(record.channel) ?? [];
    recipient.channels.set(record.channel, messages);
    messages.push(message(record));
  }
  return {
    filter,
    recipients: [...recipients.values()].map(({ channels, ...recipient }) => ({
      ...recipient,
      channels: [...channels].map(([channel, messages]) => ({ channel, messages })),
    })),
  };
}

function message(record: OutboxRecord): OutboxMessage {
  return {
    deliveryId: record.deliveryId,
    messageId: record.messageId,
    at: record.at,
    endpoint: record.endpoint,
    ...(record.topicArn ? { topicArn: record.topicArn } : {}),
    ...(record.subject !== undefined ? { subject: record.subject } : {}),
    body: record.body,
  };
}

// ---------------------------------------------------------------- HTML

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 0.75rem; max-width: 48rem; color: #222; background: #f6f6f4; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 0.25rem; } h3 { font-size: 0.95rem; color: #555; margin: 0.75rem 0 0.25rem; }
nav a, .filter a { margin-right: 0.75rem; }
article { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 0.75rem; margin: 0.4rem 0; overflow-wrap: anywhere; }
.meta { font-size: 0.8rem; color: #666; }
.subject { font-weight: 600; margin: 0.25rem 0; }
.body { white-space: pre-wrap; margin: 0.25rem 0 0; }
.empty { color: #666; }
`;

function renderPage(view: OutboxView): string {
  const title = view.filter.person ? `Outbox: ${view.filter.person}` : 'Local outbox';
  const sections = view.recipients.map(renderRecipient).join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(title)}</h1>${renderNav(view.filter)}` +
    (sections || '<p class="empty">No SMS or email has been sent yet.</p>') +
    '</body></html>'
  );
}

/** Links that set or clear the filters, keeping the other one. */
function renderNav(filter: OutboxView['filter']): string {
  const link = (label: string, query: Record<string, string | undefined>) => `<a href="${escapeHtml(outboxHref(query))}">${escapeHtml(label)}</a>`;
  const channels = [link('all channels', { person: filter.person }), link('SMS', { ...filter, channel: 'sms' }), link('email', { ...filter, channel: 'email' })];
  const people = filter.person ? ` · ${link('everyone', { channel: filter.channel })}` : '';
  return `<nav>${channels.join('')}${people} · ${link('reload', filter)}</nav>`;
}

function renderRecipient(recipient: OutboxRecipient): string {
  const heading = recipient.personId ? `${recipient.name} (${recipient.personId})` : recipient.name;
  const channels = recipient.channels
    .map((channel) => `<h3>${escapeHtml(channelLabel(channel.channel))}</h3>${channel.messages.map((m) => renderMessage(m, channel.channel)).join('')}`)
    .join('');
  return `<section><h2><a href="${escapeHtml(outboxHref({ person: recipient.key }))}">${escapeHtml(heading)}</a></h2>${channels}</section>`;
}

function renderMessage(message: OutboxMessage, channel: OutboxRecord['channel']): string {
  const topic = message.topicArn ? ` · ${escapeHtml(message.topicArn.slice(message.topicArn.lastIndexOf(':') + 1))}` : '';
  const subject = channel === 'sms' || message.subject === undefined ? '' : `<p class="subject">${escapeHtml(message.subject)}</p>`;
  return (
    `<article><div class="meta"><time datetime="${escapeHtml(message.at)}">${escapeHtml(message.at)}</time>` +
    ` · ${escapeHtml(message.endpoint)}${topic}</div>${subject}<p class="body">${linkify(message.body)}</p></article>`
  );
}

function channelLabel(channel: OutboxRecord['channel']): string {
  return channel === 'sms' ? 'SMS' : channel === 'email' ? 'Email' : 'Email (JSON)';
}

function outboxHref(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const search = params.toString();
  return search ? `${OUTBOX_PATH}?${search}` : OUTBOX_PATH;
}

/** Escapes the text and turns each http(s) URL in it into a link. */
export function linkify(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    html += escapeHtml(text.slice(last, start));
    html += `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

function plain(statusCode: number, text: string, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: text };
}
