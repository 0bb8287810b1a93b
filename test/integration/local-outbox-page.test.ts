/**
 * The local outbox page: what the local SNS delivered to people, read over HTTP
 * as a person (HTML) or a tool (JSON) would. The last block runs the fixture
 * stack's local cloud to prove the page and the confirmation links are wired in.
 */
import { rmSync } from 'node:fs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LOCAL_AWS } from '../../local/runtime/contracts';
import { startHttpServer, type LocalHttpServer } from '../../local/runtime/http/server';
import { startLocalCloud, type LocalCloud } from '../../local/runtime/local-cloud';
import { LocalSns } from '../../local/runtime/sns/local-sns';
import { createOutboxEndpoint, type OutboxView, type RecipientDescriber } from '../../local/runtime/sns/outbox-page';
import { FIXTURE_OPS_EMAIL, FIXTURE_OPS_PHONE, FIXTURE_STACK_NAME, synthesizeFixture } from '../fixtures/runtime-fixture/stack';
import { projectTempDir } from '../support/project-temp-dir';
import { testEnv } from '../support/test-env';

const ANNA = { personId: 'P0001', name: 'Anna Inside', email: 'anna@example.com', phone: '+4915100000001' };
const BERND = { personId: 'P0002', name: 'Bernd Field', email: 'bernd@example.com', phone: '+4915100000002' };
const STRANGER_PHONE = '+4915199999999';
const FUNCTION_ARN = `arn:aws:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:audit`;

/** The directory, as the product would answer it: by phone number or email address. */
const describeRecipient: RecipientDescriber = (channel, endpoint) => {
  const person = [ANNA, BERND].find((p) => (channel === 'sms' ? p.phone : p.email) === endpoint);
  return Promise.resolve(person && { personId: person.personId, name: person.name });
};

describe('the outbox page of a local SNS', () => {
  let sns: LocalSns;
  let server: LocalHttpServer;
  let topicArn: string;

  beforeAll(async () => {
    sns = new LocalSns();
    server = await startHttpServer([createOutboxEndpoint(sns, { describeRecipient })]);
    topicArn = sns.createTopic('tandem-alerts');
    sns.subscribe(topicArn, 'lambda', FUNCTION_ARN);
    sns.subscribe(topicArn, 'email', ANNA.email);
    sns.clearOutbox();
    // Oldest first: Anna's email, Bernd's SMS, a stranger's SMS, Anna's SMS (last, so newest).
    await sns.publish({ TopicArn: topicArn, Subject: 'Sonderpreis?', Message: 'Bitte freigeben: https://tandem.local/prod/requests/R1/decision.' });
    await sns.publish({ PhoneNumber: BERND.phone, Message: 'Ware ist da' });
    await sns.publish({ PhoneNumber: STRANGER_PHONE, Message: 'Wer bin ich?' });
    await sns.publish({ PhoneNumber: ANNA.phone, Message: 'Antwort JA/NEIN' });
  });

  afterAll(() => server.close());

  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  const view = async (query = '') => (await (await get(`/_local/outbox.json${query}`)).json()) as OutboxView;

  test('the JSON groups person-facing deliveries by person and channel, newest first; unknown endpoints stand for themselves', async () => {
    const { recipients } = await view();
    expect(recipients.map((r) => [r.key, r.name, r.channels.map((c) => [c.channel, c.messages.map((m) => m.body)])])).toEqual([
      [
        'P0001',
        'Anna Inside',
        [
          ['sms', ['Antwort JA/NEIN']],
          ['email', ['Bitte freigeben: https://tandem.local/prod/requests/R1/decision.']],
        ],
      ],
      [STRANGER_PHONE, STRANGER_PHONE, [['sms', ['Wer bin ich?']]]],
      ['P0002', 'Bernd Field', [['sms', ['Ware ist da']]]],
    ]);
    expect(recipients[0]?.channels[1]?.messages[0]).toMatchObject({ subject: 'Sonderpreis?', topicArn, endpoint: ANNA.email, at: expect.any(String) as unknown });
    // The lambda delivery of the same publish is no one's mail.
    expect(JSON.stringify(recipients)).not.toContain(FUNCTION_ARN);
  });

  test('?person= and ?channel= narrow the list', async () => {
    const anna = await view('?person=P0001');
    expect(anna.recipients.map((r) => r.key)).toEqual(['P0001']);
    const sms = await view('?channel=sms');
    expect(sms.recipients.map((r) => r.key)).toEqual(['P0001', STRANGER_PHONE, 'P0002']);
    expect(sms.recipients.flatMap((r) => r.channels.map((c) => c.channel))).toEqual(['sms', 'sms', 'sms']);
    const annasEmail = await view('?person=P0001&channel=email');
    expect(annasEmail.recipients[0]?.channels.map((c) => c.channel)).toEqual(['email']);
    expect((await view(`?person=${encodeURIComponent(STRANGER_PHONE)}`)).recipients.map((r) => r.name)).toEqual([STRANGER_PHONE]);
  });

  test('an unknown channel is a 400, and a write to the page a 405', async () => {
    expect((await get('/_local/outbox?channel=fax')).status).toBe(400);
    const post = await get('/_local/outbox', { method: 'POST', body: '' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  test('the HTML page is a phone-readable page without scripts or outside assets, with the people and their messages', async () => {
    const response = await get('/_local/outbox');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html.indexOf('Anna Inside (P0001)')).toBeLessThan(html.indexOf('Bernd Field (P0002)'));
    expect(html).toContain('Sonderpreis?');
    expect(html).toContain('href="/_local/outbox?person=P0001"');
  });

  test('http(s) URLs in a body become links, without the sentence’s full stop', async () => {
    const html = await (await get('/_local/outbox?person=P0001&channel=email')).text();
    expect(html).toContain(
      'Bitte freigeben: <a href="https://tandem.local/prod/requests/R1/decision" rel="noreferrer">https://tandem.local/prod/requests/R1/decision</a>.',
    );
  });

  test('markup in a message body is shown as text, and only http(s) URLs are linked', async () => {
    const hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)> javascript:alert(1) https://a.example/?q="><b>';
    await sns.publish({ PhoneNumber: BERND.phone, Message: hostile });
    try {
      const html = await (await get('/_local/outbox?person=P0002')).text();
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; javascript:alert(1) ');
      // The URL stops at the quote; the rest is text.
      expect(html).toContain('<a href="https://a.example/?q=" rel="noreferrer">https://a.example/?q=</a>&quot;&gt;&lt;b&gt;');
    } finally {
      sns.clearOutbox();
    }
  });

  test('requests for other paths are left to the next endpoint', async () => {
    const response = await get('/prod/requests');
    // No endpoint after the outbox here, so the server's own 404 proves the page did not claim it.
    expect(response.status).toBe(404);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  test('an empty outbox says so', async () => {
    sns.clearOutbox();
    expect(await (await get('/_local/outbox')).text()).toContain('No SMS or email has been sent yet.');
    expect((await view()).recipients).toEqual([]);
  });
});

describe('the local cloud serves the outbox page and confirmation links', () => {
  let outdir: string;
  let cloud: LocalCloud;
  let client: SNSClient;

  beforeAll(async () => {
    outdir = projectTempDir('outbox-page');
    synthesizeFixture(outdir);
    cloud = await startLocalCloud({
      outdir,
      stackName: FIXTURE_STACK_NAME,
      dynamoDbEndpoint: testEnv('dynamoDbEndpoint'),
      confirmSubscriptions: 'by-link',
      describeRecipient: (channel, endpoint) =>
        Promise.resolve(endpoint === FIXTURE_OPS_EMAIL || endpoint === FIXTURE_OPS_PHONE ? { personId: 'P0099', name: 'Ops' } : undefined),
    });
    client = new SNSClient({ endpoint: cloud.awsEndpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
  });

  afterAll(async () => {
    client?.destroy();
    await cloud?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  test("the template's email subscription waits for its link; the outbox page shows the mail, and clicking its link confirms it", async () => {
    const alertsArn = cloud.model.topics.find((topic) => topic.logicalId.startsWith('Alerts'))?.arn ?? '';
    const publishAlert = () =>
      client.send(
        new PublishCommand({ TopicArn: alertsArn, Message: 'disk full', MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } } }),
      );
    await publishAlert();
    expect(cloud.sns.outbox({ channel: 'email', endpoint: FIXTURE_OPS_EMAIL }).map((r) => r.body)).not.toContain('disk full');

    expect(cloud.outboxUrl).toBe(`${cloud.apiEndpoint}/_local/outbox`);
    const page = (await (await fetch(`${cloud.outboxUrl}.json?person=P0099&channel=email`)).json()) as OutboxView;
    const confirmation = page.recipients[0]?.channels[0]?.messages[0];
    expect(confirmation?.subject).toBe('AWS Notification - Subscription Confirmation');
    const link = /https?:\/\/\S+/.exec(confirmation?.body ?? '')?.[0] ?? '';
    expect(link.startsWith(`${cloud.awsEndpoint}/?Action=ConfirmSubscription&`)).toBe(true);

    const html = await (await fetch(cloud.outboxUrl)).text();
    expect(html).toContain(`<a href="${link.replace(/&/g, '&amp;')}"`);
    const click = await fetch(link, { headers: { accept: 'text/html' } });
    expect(click.status).toBe(200);

    await publishAlert();
    expect(cloud.sns.outbox({ channel: 'email', endpoint: FIXTURE_OPS_EMAIL }).map((r) => r.body)).toContain('disk full');
  });
});
