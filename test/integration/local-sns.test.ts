// The local SNS stand-in driven through HTTP by the real @aws-sdk/client-sns,
// so the Query protocol (form bodies, XML answers, XML errors) is proven end to end.
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  OptInPhoneNumberCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
  type PublishCommandInput,
} from '@aws-sdk/client-sns';
import { LOCAL_AWS, type LambdaInvoker, type OutboxRecord } from '../../local/runtime/contracts';
import { startHttpServer, type LocalHttpServer } from '../../local/runtime/http/server';
import { LocalSns } from '../../local/runtime/sns/local-sns';
import { createSnsEndpoint } from '../../local/runtime/sns/sns-endpoint';

const INSIDE_MANAGER_EMAIL = 'innendienst.berlin@example.com';
const FIELD_MANAGER_PHONE = '+4915112345678';
const TOPIC_PREFIX = `arn:aws:sns:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:`;

/** Invocations the fake Lambda runner received: the events are what the test checks. */
const lambdaEvents: unknown[] = [];
const lambda: LambdaInvoker = {
  invoke: (_functionArn, payload) => {
    lambdaEvents.push(payload);
    return Promise.resolve({ statusCode: 202, payload: null, executedVersion: '$LATEST' });
  },
};

let sns: LocalSns;
let server: LocalHttpServer;
let client: SNSClient;
let topicArn: string;
let emailSubscriptionArn: string;

beforeAll(async () => {
  sns = new LocalSns({ lambda });
  server = await startHttpServer([createSnsEndpoint(sns)]);
  client = new SNSClient({ endpoint: server.url, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
  topicArn = (await client.send(new CreateTopicCommand({ Name: 'tandem-notifications' }))).TopicArn ?? '';
  emailSubscriptionArn =
    (
      await client.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'email',
          Endpoint: INSIDE_MANAGER_EMAIL,
          Attributes: { FilterPolicy: JSON.stringify({ kind: ['special-price', 'special-item'] }) },
          ReturnSubscriptionArn: true,
        }),
      )
    ).SubscriptionArn ?? '';
  await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: FIELD_MANAGER_PHONE }));
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

async function publish(input: Omit<PublishCommandInput, 'TopicArn'>): Promise<string> {
  sns.clearOutbox();
  const { MessageId } = await client.send(new PublishCommand({ TopicArn: topicArn, ...input }));
  return MessageId ?? '';
}

/** A record without its delivery id and time, which differ on every run. */
function delivery(record: OutboxRecord): Omit<OutboxRecord, 'deliveryId' | 'at'> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'deliveryId' && key !== 'at')) as Omit<OutboxRecord, 'deliveryId' | 'at'>;
}

describe('topics and subscriptions over the SNS Query protocol', () => {
  test('CreateTopic returns the local ARN and is idempotent by name', async () => {
    expect(topicArn).toBe(`${TOPIC_PREFIX}tandem-notifications`);
    const again = await client.send(new CreateTopicCommand({ Name: 'tandem-notifications' }));
    expect(again.TopicArn).toBe(topicArn);
    const { Topics } = await client.send(new ListTopicsCommand({}));
    expect(Topics).toEqual([{ TopicArn: topicArn }]);
  });

  test('an email subscription is confirmed at once, keeps its filter policy, and its confirmation mail is in the outbox', async () => {
    const { Attributes } = await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: emailSubscriptionArn }));
    expect(Attributes).toMatchObject({
      Protocol: 'email',
      Endpoint: INSIDE_MANAGER_EMAIL,
      TopicArn: topicArn,
      PendingConfirmation: 'false',
      FilterPolicy: '{"kind":["special-price","special-item"]}',
      FilterPolicyScope: 'MessageAttributes',
    });
    const { Subscriptions } = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(Subscriptions?.map((subscription) => subscription.Protocol).sort()).toEqual(['email', 'sms']);
    expect(sns.outbox({ endpoint: INSIDE_MANAGER_EMAIL })).toEqual([
      expect.objectContaining({ channel: 'email', topicArn, subject: 'AWS Notification - Subscription Confirmation' }),
    ]);
    expect(sns.outbox({ endpoint: INSIDE_MANAGER_EMAIL })[0]?.body).toContain('(The local runtime confirmed it already.)');
  });

  test('without by-link confirmation Subscribe returns the ARN even without ReturnSubscriptionArn', async () => {
    const { SubscriptionArn } = await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'immediate@example.com' }));
    expect(SubscriptionArn).toMatch(new RegExp(`^${topicArn}:`));
    await client.send(new UnsubscribeCommand({ SubscriptionArn }));
  });

  test('XML specials in values survive the round trip', async () => {
    const arn = (await client.send(new CreateTopicCommand({ Name: 'escaping', Attributes: { DisplayName: `Tom & Jerry's <"Bistro">` } }))).TopicArn;
    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: arn }));
    expect(Attributes?.DisplayName).toBe(`Tom & Jerry's <"Bistro">`);
  });
});

describe('publishing to a topic', () => {
  test('a message whose attributes pass the email filter reaches the email and the unfiltered SMS', async () => {
    const messageAttributes = { kind: { DataType: 'String', StringValue: 'special-price' } };
    const messageId = await publish({
      Message: '10-12 kg Thunfisch pro Woche: Sonderpreis freigeben?',
      Subject: 'Sonderpreis für Trattoria Roma',
      MessageAttributes: messageAttributes,
    });
    expect(sns.outbox().map(delivery)).toEqual([
      {
        messageId,
        channel: 'email',
        endpoint: INSIDE_MANAGER_EMAIL,
        topicArn,
        subject: 'Sonderpreis für Trattoria Roma',
        body: '10-12 kg Thunfisch pro Woche: Sonderpreis freigeben?',
        messageAttributes,
      },
      {
        messageId,
        channel: 'sms',
        endpoint: FIELD_MANAGER_PHONE,
        topicArn,
        body: '10-12 kg Thunfisch pro Woche: Sonderpreis freigeben?',
        messageAttributes,
      },
    ]);
  });

  test('a message whose attributes fail the email filter reaches only the SMS', async () => {
    const messageId = await publish({ Message: 'Neuer Kunde übergeben', MessageAttributes: { kind: { DataType: 'String', StringValue: 'handover' } } });
    expect(sns.outbox().map((record) => [record.messageId, record.channel])).toEqual([[messageId, 'sms']]);
  });

  test('MessageStructure json gives each protocol its own text', async () => {
    await publish({
      MessageStructure: 'json',
      Message: JSON.stringify({ default: 'Details im Postfach', sms: 'Sonderpreis? Antwort JA/NEIN', email: 'Lange Fassung mit allen Details' }),
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'special-price' } },
    });
    expect(sns.outbox().map((record) => [record.channel, record.body])).toEqual([
      ['email', 'Lange Fassung mit allen Details'],
      ['sms', 'Sonderpreis? Antwort JA/NEIN'],
    ]);
  });

  test('a FilterPolicy changed with SetSubscriptionAttributes applies to the next publish', async () => {
    await client.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: emailSubscriptionArn,
        AttributeName: 'FilterPolicy',
        AttributeValue: JSON.stringify({ kind: [{ prefix: 'hand' }] }),
      }),
    );
    try {
      await publish({ Message: 'Übergabe', MessageAttributes: { kind: { DataType: 'String', StringValue: 'handover' } } });
      expect(sns.outbox().map((record) => record.channel)).toEqual(['email', 'sms']);
    } finally {
      await client.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: emailSubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: JSON.stringify({ kind: ['special-price', 'special-item'] }),
        }),
      );
    }
  });

  test('a lambda subscription receives the SNS event with the message and its attributes', async () => {
    const ordersTopic = (await client.send(new CreateTopicCommand({ Name: 'orders' }))).TopicArn ?? '';
    const functionArn = `arn:aws:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:record-outcome`;
    await client.send(new SubscribeCommand({ TopicArn: ordersTopic, Protocol: 'lambda', Endpoint: functionArn }));
    lambdaEvents.length = 0;
    const { MessageId } = await client.send(
      new PublishCommand({ TopicArn: ordersTopic, Message: '{"geese":10}', MessageAttributes: { store: { DataType: 'String', StringValue: 'BER-01' } } }),
    );
    await sns.settled();
    expect(lambdaEvents).toEqual([
      {
        Records: [
          expect.objectContaining({
            EventSource: 'aws:sns',
            Sns: expect.objectContaining({
              Type: 'Notification',
              MessageId,
              TopicArn: ordersTopic,
              Subject: null,
              Message: '{"geese":10}',
              MessageAttributes: { store: { Type: 'String', Value: 'BER-01' } },
            }) as unknown,
          }) as unknown,
        ],
      },
    ]);
    expect(sns.outbox({ topicArn: ordersTopic }).map((record) => [record.channel, record.endpoint])).toEqual([['lambda', functionArn]]);
  });
});

describe('SMS to phone numbers', () => {
  test('a publish to a phone number is one SMS record without a topic', async () => {
    sns.clearOutbox();
    const { MessageId } = await client.send(new PublishCommand({ PhoneNumber: FIELD_MANAGER_PHONE, Message: '10 Gänse morgen abholbereit' }));
    expect(sns.outbox().map(delivery)).toEqual([
      { messageId: MessageId, channel: 'sms', endpoint: FIELD_MANAGER_PHONE, body: '10 Gänse morgen abholbereit', messageAttributes: {} },
    ]);
  });

  test('an opted-out number gets nothing: the publish is accepted as in AWS, and the outbox stays empty', async () => {
    const optedOut = '+4915199999999';
    sns.optOut(optedOut);
    sns.clearOutbox();
    const { MessageId } = await client.send(new PublishCommand({ PhoneNumber: optedOut, Message: 'Erinnerung' }));
    expect(MessageId).toEqual(expect.any(String));
    expect(sns.outbox()).toEqual([]);
    expect(sns.undelivered()).toEqual([
      expect.objectContaining({ messageId: MessageId, channel: 'sms', endpoint: optedOut, reason: 'Phone is currently opted out' }),
    ]);
  });

  test('CheckIfPhoneNumberIsOptedOut reflects a STOP reply until OptInPhoneNumber', async () => {
    const phone = '+4917000000001';
    const optedOut = async () => (await client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone }))).isOptedOut;
    expect(await optedOut()).toBe(false);
    sns.optOut(phone);
    expect(await optedOut()).toBe(true);
    await client.send(new OptInPhoneNumberCommand({ phoneNumber: phone }));
    expect(await optedOut()).toBe(false);
  });
});

describe('malformed calls get the errors AWS gives, and the server keeps serving', () => {
  const cases: { name: string; send: () => Promise<unknown>; error: string; status: number }[] = [
    { name: 'Publish without a target', send: () => client.send(new PublishCommand({ Message: 'x' })), error: 'InvalidParameterException', status: 400 },
    {
      name: 'Publish without a Message',
      send: () => client.send(new PublishCommand({ TopicArn: topicArn } as PublishCommandInput)),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Publish to a topic that does not exist',
      send: () => client.send(new PublishCommand({ TopicArn: `${TOPIC_PREFIX}no-such-topic`, Message: 'x' })),
      error: 'NotFoundException',
      status: 404,
    },
    {
      name: 'Publish to a number not in E.164',
      send: () => client.send(new PublishCommand({ PhoneNumber: '0151 1234567', Message: 'x' })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Publish with a Subject spanning two lines',
      send: () => client.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', Subject: 'one\ntwo' })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Publish over 256 KiB',
      send: () => client.send(new PublishCommand({ TopicArn: topicArn, Message: 'x'.repeat(262_145) })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Publish of MessageStructure json without a default',
      send: () => client.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: '{"sms":"x"}' })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Publish with a Number attribute that is not a number',
      send: () => client.send(new PublishCommand({ TopicArn: topicArn, Message: 'x', MessageAttributes: { kg: { DataType: 'Number', StringValue: 'ten' } } })),
      error: 'InvalidParameterValueException',
      status: 400,
    },
    {
      name: 'Subscribe an SMS endpoint not in E.164',
      send: () => client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '0151-1234567' })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Subscribe with a filter policy that is not JSON',
      send: () =>
        client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'a@example.com', Attributes: { FilterPolicy: '{"kind": [' } })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Subscribe with a filter policy over five keys',
      send: () =>
        client.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'email',
            Endpoint: 'b@example.com',
            Attributes: { FilterPolicy: JSON.stringify({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }) },
          }),
        ),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'Subscribe with an unknown protocol',
      send: () => client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'pigeon', Endpoint: 'roof' })),
      error: 'InvalidParameterException',
      status: 400,
    },
    {
      name: 'GetSubscriptionAttributes of a subscription that does not exist',
      send: () => client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${topicArn}:00000000-0000-0000-0000-000000000000` })),
      error: 'NotFoundException',
      status: 404,
    },
  ];

  test.each(cases)('$name → $error', async ({ send, error, status }) => {
    await expect(send()).rejects.toMatchObject({ name: error, $metadata: { httpStatusCode: status } });
    const { Topics } = await client.send(new ListTopicsCommand({}));
    expect(Topics?.length).toBeGreaterThan(0);
  });

  test('rejected calls leave no trace in the subscriptions or the outbox', async () => {
    sns.clearOutbox();
    await expect(client.send(new PublishCommand({ TopicArn: topicArn, Message: '' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const { Subscriptions } = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(Subscriptions?.map((subscription) => subscription.Endpoint).sort()).toEqual([FIELD_MANAGER_PHONE, INSIDE_MANAGER_EMAIL]);
    expect(sns.outbox()).toEqual([]);
  });

  test('an unknown Action gets 400 InvalidAction in the XML error shape', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DoSomethingElse&Version=2010-03-31',
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(body).toContain('<Type>Sender</Type><Code>InvalidAction</Code>');
  });

  test('requests for other services are left to the next endpoint', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
      body: '{}',
    });
    // No endpoint after SNS here, so the server's own 404 proves SNS did not claim it.
    expect(response.status).toBe(404);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });
});

describe('loading from the synthesized template', () => {
  test('fromStack creates the topics with their ARNs and the subscriptions with their filter policies', async () => {
    const arn = `${TOPIC_PREFIX}TandemTopic-ABC123`;
    const local = LocalSns.fromStack(
      [{ logicalId: 'TandemTopic', topicName: 'TandemTopic-ABC123', arn, fifo: false }],
      [
        { logicalId: 'InsideSms', topicArn: arn, protocol: 'sms', endpoint: FIELD_MANAGER_PHONE, filterPolicy: { role: ['inside'] } },
        {
          logicalId: 'Audit',
          topicArn: arn,
          protocol: 'sqs',
          endpoint: `arn:aws:sqs:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:audit`,
          filterPolicy: { outcome: { approved: [true] } },
          filterPolicyScope: 'MessageBody',
          rawMessageDelivery: true,
        },
      ],
    );
    expect(local.listTopics().items).toEqual([arn]);
    await local.publish({ TopicArn: arn, Message: '{"outcome":{"approved":true}}', MessageAttributes: { role: { DataType: 'String', StringValue: 'field' } } });
    expect(local.outbox().map((record) => [record.channel, record.body])).toEqual([['sqs', '{"outcome":{"approved":true}}']]);
    const again = LocalSns.fromStack([{ logicalId: 'TandemTopic', topicName: 'TandemTopic-ABC123', arn, fifo: false }], [
      { logicalId: 'InsideSms', topicArn: arn, protocol: 'sms', endpoint: FIELD_MANAGER_PHONE },
    ]);
    // Subscription ARNs are derived from the logical ID, so they are the same after a restart.
    expect(again.listSubscriptions().items[0]?.SubscriptionArn).toBe(local.listSubscriptions().items[0]?.SubscriptionArn);
  });
});

describe("subscriptions confirmed by link ('by-link'), as in AWS", () => {
  const PERSON_EMAIL = 'field.hamburg@example.com';
  let pendingSns: LocalSns;
  let pendingServer: LocalHttpServer;
  let pendingClient: SNSClient;
  let alertsArn: string;

  beforeAll(async () => {
    pendingSns = new LocalSns({ confirmSubscriptions: 'by-link' });
    pendingServer = await startHttpServer([createSnsEndpoint(pendingSns)]);
    // The server's URL is known only once it listens; links sent from now on point at it.
    pendingSns.setPublicUrl(pendingServer.url);
    pendingClient = new SNSClient({ endpoint: pendingServer.url, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
  });

  afterAll(async () => {
    pendingClient.destroy();
    await pendingServer.close();
  });

  beforeEach(async () => {
    // A fresh topic per test: deleting the topic deletes its subscriptions.
    if (alertsArn) await pendingClient.send(new DeleteTopicCommand({ TopicArn: alertsArn }));
    alertsArn = (await pendingClient.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn ?? '';
    await pendingClient.send(new SubscribeCommand({ TopicArn: alertsArn, Protocol: 'sms', Endpoint: FIELD_MANAGER_PHONE }));
    pendingSns.clearOutbox();
  });

  const subscribeEmail = async (returnSubscriptionArn?: boolean) =>
    (await pendingClient.send(
      new SubscribeCommand({ TopicArn: alertsArn, Protocol: 'email', Endpoint: PERSON_EMAIL, ReturnSubscriptionArn: returnSubscriptionArn }),
    )).SubscriptionArn;

  /** The SubscribeURL of the newest confirmation mail to the person. */
  const subscribeUrl = () => {
    const mails = pendingSns.outbox({ endpoint: PERSON_EMAIL, channel: 'email' });
    const url = /https?:\/\/\S+/.exec(mails.at(-1)?.body ?? '')?.[0];
    if (!url) throw new Error('no confirmation mail with a link in the outbox');
    return new URL(url);
  };

  const topicCounts = async () => {
    const { Attributes } = await pendingClient.send(new GetTopicAttributesCommand({ TopicArn: alertsArn }));
    return { confirmed: Attributes?.SubscriptionsConfirmed, pending: Attributes?.SubscriptionsPending };
  };

  const publishAlert = async () => {
    pendingSns.clearOutbox();
    await pendingClient.send(new PublishCommand({ TopicArn: alertsArn, Message: 'Kühlhaus 3: 9 °C', Subject: 'Alarm' }));
    return pendingSns.outbox().map((record) => [record.channel, record.endpoint]);
  };

  test('an email subscription stays pending: Subscribe says "pending confirmation", listings and counts show it, publishes skip it', async () => {
    expect(await subscribeEmail()).toBe('pending confirmation');
    const { Subscriptions } = await pendingClient.send(new ListSubscriptionsByTopicCommand({ TopicArn: alertsArn }));
    expect(Subscriptions?.find((subscription) => subscription.Protocol === 'email')).toMatchObject({
      SubscriptionArn: 'PendingConfirmation',
      Endpoint: PERSON_EMAIL,
    });
    const all = await pendingClient.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions?.filter((subscription) => subscription.SubscriptionArn === 'PendingConfirmation').length).toBe(1);
    expect(await topicCounts()).toEqual({ confirmed: '1', pending: '1' });
    expect(await publishAlert()).toEqual([['sms', FIELD_MANAGER_PHONE]]);
  });

  test('the confirmation mail links to the local endpoint and asks for confirmation', async () => {
    await subscribeEmail();
    const [mail] = pendingSns.outbox({ endpoint: PERSON_EMAIL });
    expect(mail).toMatchObject({ channel: 'email', subject: 'AWS Notification - Subscription Confirmation', topicArn: alertsArn });
    expect(mail?.body).not.toContain('confirmed it already');
    const url = subscribeUrl();
    expect(url.origin).toBe(pendingServer.url);
    expect(url.searchParams.get('Action')).toBe('ConfirmSubscription');
    expect(url.searchParams.get('TopicArn')).toBe(alertsArn);
  });

  test('with ReturnSubscriptionArn Subscribe returns the ARN, whose attributes say PendingConfirmation', async () => {
    const arn = await subscribeEmail(true);
    expect(arn).toMatch(new RegExp(`^${alertsArn}:`));
    const { Attributes } = await pendingClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }));
    expect(Attributes).toMatchObject({ PendingConfirmation: 'true', ConfirmationWasAuthenticated: 'false', Endpoint: PERSON_EMAIL });
  });

  test('subscribing again while pending returns "pending confirmation" again and re-sends the confirmation mail', async () => {
    await subscribeEmail();
    expect(await subscribeEmail()).toBe('pending confirmation');
    const mails = pendingSns.outbox({ endpoint: PERSON_EMAIL });
    expect(mails.map((mail) => mail.subject)).toEqual(['AWS Notification - Subscription Confirmation', 'AWS Notification - Subscription Confirmation']);
    expect(await topicCounts()).toEqual({ confirmed: '1', pending: '1' });
  });

  test('ConfirmSubscription with the token from the mail confirms it: the ARN is listed, counts move, publishes arrive', async () => {
    await subscribeEmail();
    const token = subscribeUrl().searchParams.get('Token') ?? '';
    const { SubscriptionArn } = await pendingClient.send(
      new ConfirmSubscriptionCommand({ TopicArn: alertsArn, Token: token, AuthenticateOnUnsubscribe: 'true' }),
    );
    expect(SubscriptionArn).toMatch(new RegExp(`^${alertsArn}:`));
    const { Subscriptions } = await pendingClient.send(new ListSubscriptionsByTopicCommand({ TopicArn: alertsArn }));
    expect(Subscriptions?.find((subscription) => subscription.Protocol === 'email')?.SubscriptionArn).toBe(SubscriptionArn);
    const { Attributes } = await pendingClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
    expect(Attributes).toMatchObject({ PendingConfirmation: 'false', ConfirmationWasAuthenticated: 'true' });
    expect(await topicCounts()).toEqual({ confirmed: '2', pending: '0' });
    expect(await publishAlert()).toEqual([
      ['sms', FIELD_MANAGER_PHONE],
      ['email', PERSON_EMAIL],
    ]);
    // Subscribing a confirmed endpoint again returns its ARN, as AWS does.
    expect(await subscribeEmail()).toBe(SubscriptionArn);
  });

  test('a token sent earlier still confirms after the mail was re-sent', async () => {
    await subscribeEmail();
    const first = subscribeUrl().searchParams.get('Token') ?? '';
    await subscribeEmail();
    expect(subscribeUrl().searchParams.get('Token')).not.toBe(first);
    await pendingClient.send(new ConfirmSubscriptionCommand({ TopicArn: alertsArn, Token: first }));
    expect(await topicCounts()).toEqual({ confirmed: '2', pending: '0' });
  });

  test('ConfirmSubscription with an unknown token, or a token of another topic, is InvalidParameter (400) and confirms nothing', async () => {
    await subscribeEmail();
    const token = subscribeUrl().searchParams.get('Token') ?? '';
    const otherTopic = (await pendingClient.send(new CreateTopicCommand({ Name: 'other' }))).TopicArn ?? '';
    for (const input of [
      { TopicArn: alertsArn, Token: 'f'.repeat(64) },
      { TopicArn: otherTopic, Token: token },
    ]) {
      await expect(pendingClient.send(new ConfirmSubscriptionCommand(input))).rejects.toMatchObject({
        name: 'InvalidParameterException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    expect(await topicCounts()).toEqual({ confirmed: '1', pending: '1' });
  });

  test('clicking the SubscribeURL in a browser confirms the subscription and shows a page saying so', async () => {
    await subscribeEmail();
    const response = await fetch(subscribeUrl(), { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('Subscription confirmed!');
    expect(page).toContain(alertsArn);
    expect(await topicCounts()).toEqual({ confirmed: '2', pending: '0' });
    expect(await publishAlert()).toContainEqual(['email', PERSON_EMAIL]);
  });

  test('an HTTPS subscriber fetching the SubscribeURL from its JSON confirmation gets the XML ConfirmSubscription response', async () => {
    const endpoint = 'https://hooks.example.com/sns';
    await pendingClient.send(new SubscribeCommand({ TopicArn: alertsArn, Protocol: 'https', Endpoint: endpoint }));
    const [confirmation] = pendingSns.outbox({ endpoint });
    const message = JSON.parse(confirmation?.body ?? '{}') as { Type: string; SubscribeURL: string; Token: string };
    expect(message.Type).toBe('SubscriptionConfirmation');
    expect(new URL(message.SubscribeURL).searchParams.get('Token')).toBe(message.Token);
    const response = await fetch(message.SubscribeURL);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<ConfirmSubscriptionResponse xmlns="[^"]+"><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:/);
    expect(await publishAlert()).toContainEqual(['https', endpoint]);
  });

  test('a SubscribeURL with a wrong token gets a 400 page and leaves the subscription pending', async () => {
    await subscribeEmail();
    const url = subscribeUrl();
    url.searchParams.set('Token', 'not-a-token');
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Subscription not confirmed');
    expect(await topicCounts()).toEqual({ confirmed: '1', pending: '1' });
  });

  test('confirmPending confirms the pending subscriptions the filter names and returns how many', async () => {
    await subscribeEmail();
    await pendingClient.send(new SubscribeCommand({ TopicArn: alertsArn, Protocol: 'email-json', Endpoint: 'audit@example.com' }));
    expect(pendingSns.confirmPending({ endpoint: PERSON_EMAIL })).toBe(1);
    expect(await topicCounts()).toEqual({ confirmed: '2', pending: '1' });
    expect(pendingSns.confirmPending({ topicArn: alertsArn })).toBe(1);
    expect(pendingSns.confirmPending()).toBe(0);
    expect(await publishAlert()).toEqual([
      ['sms', FIELD_MANAGER_PHONE],
      ['email', PERSON_EMAIL],
      ['email-json', 'audit@example.com'],
    ]);
  });

  test('subscriptions from the template are pending too, as CloudFormation leaves them', () => {
    const arn = `${TOPIC_PREFIX}Ops`;
    const local = LocalSns.fromStack(
      [{ logicalId: 'Ops', topicName: 'Ops', arn, fifo: false }],
      [
        { logicalId: 'OpsEmail', topicArn: arn, protocol: 'email', endpoint: PERSON_EMAIL },
        { logicalId: 'OpsSms', topicArn: arn, protocol: 'sms', endpoint: FIELD_MANAGER_PHONE },
      ],
      { confirmSubscriptions: 'by-link', publicUrl: 'http://127.0.0.1:4566/' },
    );
    expect(local.getTopicAttributes(arn)).toMatchObject({ SubscriptionsConfirmed: '1', SubscriptionsPending: '1' });
    expect(local.outbox({ endpoint: PERSON_EMAIL })[0]?.body).toContain('http://127.0.0.1:4566/?Action=ConfirmSubscription&');
  });
});
