/**
 * The `tandem` command line: what each command is parsed into, the stage's
 * default, and the usage mistakes refused with a message that says what is wrong;
 * and how a decision reference or link given on the command line is read.
 */
import { parseCommand, UsageError } from '../../../ops/cli/args';
import { parseSmokeArgs, runSmoke } from '../../../ops/smoke';
import { decisionLink } from '../../../ops/store-api';

const REF = 'ExWq2bnuJx8tEDgiD-bRVA';

describe('tandem command line', () => {
  test('the stage comes from --stage, else TANDEM_STAGE, else dev', () => {
    expect(parseCommand(['request', 'r-1'], {})).toEqual({ name: 'request', requestId: 'r-1', stage: 'dev', json: false });
    expect(parseCommand(['request', 'r-1'], { TANDEM_STAGE: 'prod' })).toMatchObject({ stage: 'prod' });
    expect(parseCommand(['request', 'r-1', '--stage', 'test', '--json'], { TANDEM_STAGE: 'prod' })).toMatchObject({ stage: 'test', json: true });
  });

  test('decide builds the answer from an outcome and its options, or takes it whole as JSON', () => {
    expect(parseCommand(['decide', REF, '--answer', 'sourced', '--store', 'S004'], {})).toMatchObject({ target: { refOrLink: REF }, answer: { outcome: 'sourced', storeId: 'S004' } });
    expect(parseCommand(['decide', '--request', 'r-1', '--answer', 'alternative', '--sku', 'GEF-0003', '--quantity', '2.5'], {})).toMatchObject({
      target: { requestId: 'r-1' },
      answer: { outcome: 'alternative', sku: 'GEF-0003', quantity: 2.5 },
    });
    expect(parseCommand(['decide', REF, '--answer', '{"action":"extend","weeks":2}'], {})).toMatchObject({ answer: { action: 'extend', weeks: 2 } });
  });

  test('outbox reads one request, one customer, or the recent requests', () => {
    expect(parseCommand(['outbox', '--request', 'r-1', '--follow'], {})).toMatchObject({ scope: { requestId: 'r-1' }, follow: true });
    expect(parseCommand(['outbox', '--customer', 'C000475'], {})).toMatchObject({ scope: { customerId: 'C000475' }, follow: false });
    expect(parseCommand(['outbox', '--since', '30'], {})).toMatchObject({ scope: { sinceMinutes: 30, limit: 50 } });
  });

  test('executions takes a workflow, a status (any case) and a limit', () => {
    expect(parseCommand(['executions', '--workflow', 'CustomerRequests', '--status', 'running', '--limit', '5'], {})).toMatchObject({ workflow: 'CustomerRequests', status: 'RUNNING', limit: 5 });
  });

  test.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['request'], 'request needs a request id'],
    [['request', 'a', 'b'], 'request takes one argument'],
    [['submit', 'a.json', '--status', 'RUNNING'], 'submit takes no --status'],
    [['executions', '--status', 'DONE'], '--status must be one of RUNNING, SUCCEEDED'],
    [['executions', '--limit', '0'], '--limit must be a whole number above 0'],
    [['decide', '--answer', 'sourced'], 'decide needs a decision reference or link, or --request'],
    [['decide', REF, '--request', 'r-1', '--answer', 'sourced'], 'one of them'],
    [['decide', REF], 'decide needs --answer'],
    [['decide', REF, '--answer', '{"outcome":'], '--answer is not a JSON object'],
    [['decide', REF, '--answer', '{"outcome":"sourced"}', '--store', 'S004'], 'a JSON --answer carries all its fields'],
    [['outbox', '--request', 'r-1', '--customer', 'C1'], 'outbox takes --request or --customer, not both'],
    [['request', 'r-1', '--stgae', 'dev'], "Unknown option '--stgae'"],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(message);
  });

  test('--help, help or no command at all asks for the usage text', () => {
    for (const argv of [['--help'], ['help'], [], ['decide', '-h']]) expect(parseCommand(argv, {})).toEqual({ name: 'help' });
  });
});

describe('smoke command line', () => {
  test('defaults to the story cast on the stage from TANDEM_STAGE or dev', () => {
    expect(parseSmokeArgs([], {})).toEqual({ stage: 'dev', customerId: 'C000475', reserveSku: 'GEF-0001', escalateSku: 'GEF-0002', timeoutMs: 90_000, allowProd: false });
    expect(parseSmokeArgs(['--customer', 'C000100', '--timeout', '30'], { TANDEM_STAGE: 'prod' })).toMatchObject({ stage: 'prod', customerId: 'C000100', timeoutMs: 30_000 });
  });

  test('refuses prod without --allow-prod, before looking anything up', async () => {
    const printed: string[] = [];
    expect(await runSmoke(['--stage', 'prod'], (line) => printed.push(line))).toBe(1);
    expect(printed).toEqual(['✗ the smoke test posts stock counts for real stores and leaves two requests behind; run it against prod only with --allow-prod']);
    expect(parseSmokeArgs(['--stage', 'prod', '--allow-prod'], {})).toMatchObject({ stage: 'prod', allowProd: true });
  });

  test('refuses an unknown option and a timeout that is no positive number', () => {
    expect(() => parseSmokeArgs(['--stgae', 'dev'], {})).toThrow("Unknown option '--stgae'");
    expect(() => parseSmokeArgs(['--timeout', 'soon'], {})).toThrow("--timeout must be a number of seconds above 0, got 'soon'");
  });
});

describe('decision link or reference', () => {
  const api = 'https://abc123defg.execute-api.eu-central-1.amazonaws.com/v1';

  test('a reference becomes the stage’s link; a whole link is kept, with or without /decision', () => {
    expect(decisionLink(api, REF)).toBe(`${api}/tasks/${REF}`);
    expect(decisionLink(api, `http://127.0.0.1:3000/v1/tasks/${REF}`)).toBe(`http://127.0.0.1:3000/v1/tasks/${REF}`);
    expect(decisionLink(api, ` ${api}/tasks/${REF}/decision `)).toBe(`${api}/tasks/${REF}`);
  });

  test('anything else is refused, saying what a reference looks like', () => {
    expect(() => decisionLink(api, 'abc')).toThrow("'abc' is neither a decision link nor a reference (22 letters, digits, - or _)");
    expect(() => decisionLink(api, 'https://example.com/requests/r-1')).toThrow("'https://example.com/requests/r-1' is not a decision link (…/tasks/<reference>)");
  });
});
