// The local SNS stand-in driven through HTTP by the real @aws-sdk/client-sns,
// so the Query protocol (form bodies, XML answers, XML errors) is proven end to end.
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  OptInPhoneNumberCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
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
