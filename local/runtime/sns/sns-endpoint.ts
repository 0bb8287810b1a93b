/**
 * SNS over HTTP in the AWS Query protocol, the one @aws-sdk/client-sns (its
 * `AwsQueryProtocol`) and the AWS CLI speak: a form-urlencoded POST with
 * `Action=…&Version=2010-03-31`, maps as `Attributes.entry.N.key/value` and
 * `MessageAttributes.entry.N.Name/Value.*`, answered in XML; errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>`, whose Code the SDK
 * maps to its exception (`NotFound` → NotFoundException).
 *
 * The SubscribeURL of a confirmation message, `GET /?Action=ConfirmSubscription&…`,
 * is served too, as AWS serves it: a browser (Accept: text/html) gets a small page,
 * anything else (an HTTP/S subscriber confirming itself) the XML response.
 *
 * Authorization is not checked: any SigV4-signed or unsigned request is served.
 * The server listens on loopback only and the local credentials are fixed, so a
 * signature check would prove nothing; the credential scope is read only to let
 * requests signed for another service pass to the next endpoint.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, type HttpEndpoint, type HttpRequest, type HttpResponse, type SnsMessageAttribute } from '../contracts';
import { escapeXml, queryError, queryForm, queryResponse, xmlText, type QueryService } from '../http/aws-query';
import type { LocalSns, SubscriptionSummary } from './local-sns';
import { injectedInternalError, type PublishFault } from './publish-faults';

const SNS: QueryService = {
  signingName: 'sns',
  apiVersion: '2010-03-31',
  xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
  versionOptional: true,
  internalErrorCode: 'InternalError',
};
const SUBSCRIPTION_FIELDS = ['SubscriptionArn', 'Owner', 'Protocol', 'Endpoint', 'TopicArn'] as const satisfies readonly (keyof SubscriptionSummary)[];

/** Returns the XML inside `<ActionResult>`, or undefined when the action's response has no result element. */
type ActionHandler = (sns: LocalSns, params: QueryParams) => Promise<string | undefined> | string | undefined;

const ACTIONS = new Map<string, ActionHandler>([
  ['CreateTopic', (sns, p) => xmlText('TopicArn', sns.createTopic(p.required('Name'), p.map('Attributes')))],
  [
    'ListTopics',
    (sns, p) => {
      const { items, nextToken } = sns.listTopics(p.optional('NextToken'));
      return list('Topics', items.map((arn) => xmlText('TopicArn', arn))) + optionalText('NextToken', nextToken);
    },
  ],
  ['DeleteTopic', (sns, p) => void sns.deleteTopic(p.required('TopicArn'))],
  ['GetTopicAttributes', (sns, p) => entries('Attributes', sns.getTopicAttributes(p.required('TopicArn')))],
  [
    'Subscribe',
    (sns, p) =>
      xmlText(
        'SubscriptionArn',
        sns.subscribe(p.required('TopicArn'), p.required('Protocol'), p.optional('Endpoint') ?? '', p.map('Attributes'), {
          returnSubscriptionArn: p.optional('ReturnSubscriptionArn') === 'true',
        }),
      ),
  ],
  ['ConfirmSubscription', (sns, p) => xmlText('SubscriptionArn', confirm(sns, p))],
  ['Unsubscribe', (sns, p) => void sns.unsubscribe(p.required('SubscriptionArn'))],
  [
    'ListSubscriptionsByTopic',
    (sns, p) => subscriptionsPage(sns.listSubscriptionsByTopic(p.required('TopicArn'), p.optional('NextToken'))),
  ],
  ['ListSubscriptions', (sns, p) => subscriptionsPage(sns.listSubscriptions(p.optional('NextToken')))],
  ['GetSubscriptionAttributes', (sns, p) => entries('Attributes', sns.getSubscriptionAttributes(p.required('SubscriptionArn')))],
  [
    'SetSubscriptionAttributes',
    (sns, p) => void sns.setSubscriptionAttributes(p.required('SubscriptionArn'), p.required('AttributeName'), p.optional('AttributeValue')),
  ],
  [
    'Publish',
    async (sns, p) => {
      const result = await sns.publish({
        Message: p.required('Message'),
        TopicArn: p.optional('TopicArn'),
        TargetArn: p.optional('TargetArn'),
        PhoneNumber: p.optional('PhoneNumber'),
        Subject: p.optional('Subject'),
        MessageStructure: p.optional('MessageStructure'),
        MessageAttributes: p.messageAttributes(),
        MessageGroupId: p.optional('MessageGroupId'),
        MessageDeduplicationId: p.optional('MessageDeduplicationId'),
      });
      return xmlText('MessageId', result.MessageId) + optionalText('SequenceNumber', result.SequenceNumber);
    },
  ],
  ['CheckIfPhoneNumberIsOptedOut', (sns, p) => xmlText('isOptedOut', String(sns.checkIfPhoneNumberIsOptedOut(p.required('phoneNumber'))))],
  [
    'OptInPhoneNumber',
    (sns, p) => {
      sns.optInPhoneNumber(p.required('phoneNumber'));
      return '';
    },
  ],
  [
    'ListPhoneNumbersOptedOut',
    (sns, p) => {
      const { items, nextToken } = sns.listPhoneNumbersOptedOut(p.optional('nextToken'));
      return list('phoneNumbers', items.map(escapeXml)) + optionalText('nextToken', nextToken);
    },
  ],
]);

export interface SnsEndpointOptions {
  /** Injected faults (local/runtime/faults): Publish calls it picks are answered with 500 InternalError. */
  readonly publishFault?: PublishFault;
}

export function createSnsEndpoint(sns: LocalSns, options: SnsEndpointOptions = {}): HttpEndpoint {
  return async (request) => {
    if (isConfirmationLink(request)) return confirmationLink(sns, request);
    const params = snsParams(request);
    if (!params) return undefined;
    const requestId = randomUUID();
    try {
      const action = params.required('Action');
      const handler = ACTIONS.get(action);
      if (!handler) throw new AwsServiceError('InvalidAction', `The action ${action} is not valid for this web service.`);
      if (action === 'Publish' && options.publishFault?.()) throw injectedInternalError();
      return queryResponse(SNS, action, await handler(sns, params), requestId);
    } catch (error) {
      return queryError(SNS, error, requestId);
    }
  };
}

function confirm(sns: LocalSns, p: QueryParams): string {
  return sns.confirmSubscription(p.required('TopicArn'), p.required('Token'), p.optional('AuthenticateOnUnsubscribe') === 'true');
}

/** A visit to a SubscribeURL: AWS's links are GETs on the service root. */
function isConfirmationLink(request: HttpRequest): boolean {
  return request.method === 'GET' && request.path === '/' && request.query.get('Action') === 'ConfirmSubscription';
}

function confirmationLink(sns: LocalSns, request: HttpRequest): HttpResponse {
  const requestId = randomUUID();
  const browser = (request.headers.accept ?? '').includes('text/html');
  try {
    const subscriptionArn = confirm(sns, new QueryParams(request.query));
    if (!browser) return queryResponse(SNS, 'ConfirmSubscription', xmlText('SubscriptionArn', subscriptionArn), requestId);
    return htmlPage(200, 'Subscription confirmed!', `You have successfully subscribed. Your subscription's id is: ${subscriptionArn}`);
  } catch (error) {
    if (!browser) return queryError(SNS, error, requestId);
    const statusCode = error instanceof AwsServiceError ? error.statusCode : 500;
    return htmlPage(statusCode, 'Subscription not confirmed', error instanceof Error ? error.message : String(error));
  }
}

/** The page a person sees after clicking the link in a confirmation email. */
function htmlPage(statusCode: number, title: string, detail: string): HttpResponse {
  const body =
    '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeXml(title)}</title></head>` +
    `<body style="font-family: system-ui, sans-serif; margin: 2rem"><h1>${escapeXml(title)}</h1><p>${escapeXml(detail)}</p></body></html>`;
  return { statusCode, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** The request's form parameters if it is an SNS Query request; undefined leaves it to the next endpoint. */
function snsParams(request: HttpRequest): QueryParams | undefined {
  const form = queryForm(request, SNS);
  return form && new QueryParams(form);
}

class QueryParams {
  constructor(private readonly form: URLSearchParams) {}

  optional(name: string): string | undefined {
    return this.form.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.form.get(name);
    if (value === null) throw new AwsServiceError('InvalidParameter', `Invalid parameter: ${name} Reason: no value for required parameter`);
    return value;
  }

  /** A Query map, `<prefix>.entry.N.key` / `<prefix>.entry.N.value`. */
  map(prefix: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const n of this.entryNumbers(prefix)) {
      const key = this.form.get(`${prefix}.entry.${n}.key`);
      if (key !== null) result[key] = this.form.get(`${prefix}.entry.${n}.value`) ?? '';
    }
    return result;
  }

  /** `MessageAttributes.entry.N.Name` and `…Value.DataType / StringValue / BinaryValue` (base64). */
  messageAttributes(): Record<string, SnsMessageAttribute> {
    const result: Record<string, SnsMessageAttribute> = {};
    for (const n of this.entryNumbers('MessageAttributes')) {
      const at = `MessageAttributes.entry.${n}`;
      const name = this.form.get(`${at}.Name`);
      if (name === null) continue;
      const stringValue = this.form.get(`${at}.Value.StringValue`);
      const binaryValue = this.form.get(`${at}.Value.BinaryValue`);
      result[name] = {
        DataType: this.form.get(`${at}.Value.DataType`) ?? '',
        ...(stringValue === null ? {} : { StringValue: stringValue }),
        ...(binaryValue === null ? {} : { BinaryValue: new Uint8Array(Buffer.from(binaryValue, 'base64')) }),
      };
    }
    return result;
  }

  private entryNumbers(prefix: string): number[] {
    const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.entry\\.(\\d+)\\.`);
    const numbers = new Set<number>();
    for (const key of this.form.keys()) {
      const match = pattern.exec(key);
      if (match?.[1]) numbers.add(Number(match[1]));
    }
    return [...numbers].sort((a, b) => a - b);
  }
}

// ---------------------------------------------------------------- XML

function subscriptionsPage(page: { items: readonly SubscriptionSummary[]; nextToken?: string }): string {
  const members = page.items.map((subscription) => SUBSCRIPTION_FIELDS.map((field) => xmlText(field, subscription[field])).join(''));
  return list('Subscriptions', members) + optionalText('NextToken', page.nextToken);
}

function list(name: string, members: readonly string[]): string {
  return `<${name}>${members.map((member) => `<member>${member}</member>`).join('')}</${name}>`;
}

function entries(name: string, map: Readonly<Record<string, string>>): string {
  const items = Object.entries(map).map(([key, value]) => `<entry>${xmlText('key', key)}${xmlText('value', value)}</entry>`);
  return `<${name}>${items.join('')}</${name}>`;
}

function optionalText(name: string, value: string | undefined): string {
  return value === undefined ? '' : xmlText(name, value);
}
