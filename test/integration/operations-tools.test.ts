/**
 * The operations tools against the local runtime, found the AWS way (the
 * stack's outputs through the local CloudFormation endpoint, with the client
 * environment `npm start` prints): `npm run smoke`'s entry replays the story
 * and passes status by status, and fails readably for a stage that does not
 * exist; the `tandem` CLI submits a request, shows it, lists its execution,
 * tails its notifications, answers its escalation and shows the decided
 * outcome, and answers an unknown id or a bad body with one readable line.
 *
 * Its own cast: customers of territories 100–101 (other files take 0–99) and
 * two products no other file stocks, so the shared table's stock is its own.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/app';
import { main } from '../../ops/cli/main';
import type { CliIo } from '../../ops/cli/commands';
import { runSmoke } from '../../ops/smoke';
import { customerOfOwnTerritory, setStock, startWorld, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';

let world: World;
let env: Record<string, string>;
const saved: Record<string, string | undefined> = {};
/** Products far from the ranges other files use (testProduct takes 190 and up; the story the first ones). */
const product = (n: number) => world.seed.products[150 + n]!;

beforeAll(async () => {
  // 1/100: the 30-minute decision window lasts 18 s, long enough for the smoke to answer it.
  world = await startWorld({ timeScale: 0.01 });
  env = world.product.cloud.clientEnvironment();
  // The in-process CLI runs build their AWS SDK clients from this process's environment.
  for (const [name, value] of Object.entries({ ...env, TANDEM_STAGE: 'dev' })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await world?.stop();
});

/** A child process as an operator runs it, with the printed client environment. */
function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The CLI in this process, its output captured. */
async function tandem(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: () => Promise.resolve('') };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('npm run smoke replays the story against the stage and every status holds; an unknown stage fails readably', async () => {
  const customer = await customerOfOwnTerritory(world, 100);
  const [reserveSku, escalateSku] = [product(0).sku, product(1).sku];
  const smoke = await run(['--import', 'tsx', 'ops/smoke.ts', '--stage', 'dev', '--customer', customer.customerId, '--reserve-sku', reserveSku, '--escalate-sku', escalateSku]);
  expect({ code: smoke.code, stderr: smoke.stderr }).toEqual({ code: 0, stderr: '' });
  const lines = smoke.stdout.split('\n');
  expect(lines.filter((l) => l.startsWith('✗'))).toEqual([]);
  expect(smoke.stdout).toMatch(/✓ stage found by its stack outputs: Tandem360-dev in eu-central-1: API http:\/\/127\.0\.0\.1:\d+\/v1, table \S+, workflows CustomerRequests, FollowUps, Onboarding, PriceRequests/);
  expect(smoke.stdout).toMatch(new RegExp(`✓ smoke-\\d+-reserve RESERVED at S\\d{3}: Received → Route → CheckStock → ReserveStock → Outcome → NotifyTandem; holds 10 × ${reserveSku}`));
  expect(smoke.stdout).toMatch(/✓ execution of smoke-\d+-reserve: RUNNING in AwaitHoldLapse after FulfilRequest → Fulfilled/);
  expect(smoke.stdout).toMatch(/✓ smoke-\d+-escalate ESCALATED, the decision waits for the inside manager: .*AskDecision; held by P\d{4} \(inside\)/);
  expect(smoke.stdout).toContain('✓ the link decides once: the same link again → 410');
  expect(smoke.stdout).toMatch(/✓ smoke-\d+-escalate SOURCED at S\d{3}: .*Decided → ReserveStock → Outcome → NotifyTandem/);
  expect(smoke.stdout).toMatch(/✓ execution of smoke-\d+-escalate: RUNNING in AwaitHoldLapse after .*AwaitInsideDecision → ApplyDecision → ReserveDecidedStock/);
  expect(lines).toContain('All 14 checks hold.');

  const printed: string[] = [];
  expect(await runSmoke(['--stage', 'nosuch'], (line) => printed.push(line))).toBe(1);
  expect(printed).toEqual([
    'Smoke test of stage nosuch',
    "✗ stage found by its stack outputs: stage 'nosuch' not found: there is no stack Tandem360-nosuch in eu-central-1 (this app's stages: dev, prod)",
    'Smoke test failed after 0 passing check(s).',
  ]);
}, 240_000);

test('tandem: submit, show the request, its execution and notifications, answer its escalation, show the outcome', async () => {
  const customer = await customerOfOwnTerritory(world, 101);
  const sku = product(2).sku;
  await setStock(world, [{ storeId: customer.homeStoreId, sku, available: 0 }]);
  const requestId = `cli-${Date.now()}`;
  const body = { requestId, customerId: customer.customerId, lines: [{ sku, quantity: 4, unit: product(2).unit }], neededBy: new Date(Date.now() + 3 * 3_600_000).toISOString(), fulfilment: 'delivery' };
  const folder = await mkdtemp(join(tmpdir(), 'tandem-cli-'));
  const file = join(folder, 'request.json');
  await writeFile(file, JSON.stringify(body));
  const submitted = await tandem('submit', file);
  await rm(folder, { recursive: true });
  expect(submitted).toMatchObject({ code: 0, err: '' });
  expect(submitted.out).toMatch(new RegExp(`^202 RECEIVED ${requestId} → http://127\\.0\\.0\\.1:\\d+/v1/requests/${requestId}$`));

  // Nothing in stock anywhere: the inside manager is asked to decide.
  const shown = await eventually(async () => {
    const view = await tandem('request', requestId);
    return view.out.includes('AskDecision') && /decisionNeeded → P\d{4} \(inside\) sms SENT/.test(view.out) ? view : undefined;
  }, { timeoutMs: 60_000, intervalMs: 300 });
  expect(shown.code).toBe(0);
  expect(shown.out).toMatch(new RegExp(`^Request ${requestId}: ESCALATED \\(territory ${customer.territoryId}\\)`));
  expect(shown.out).toMatch(/decisionNeeded → P\d{4} \(inside\) sms SENT/);
  expect(shown.out).toMatch(/Execution: RUNNING in AwaitInsideDecision — arn:aws:states:eu-central-1:000000000000:execution:[^:]+:req-cli-\d+/);

  const executions = await tandem('executions', '--workflow', 'CustomerRequests', '--status', 'RUNNING', '--json', '--limit', '100');
  expect(JSON.parse(executions.out)).toContainEqual(expect.objectContaining({ workflow: 'CustomerRequests', name: `req-${requestId}`, status: 'RUNNING' }));

  const outbox = await tandem('outbox', '--request', requestId);
  expect(outbox.out).toMatch(new RegExp(`${requestId} +decisionNeeded +→ P\\d{4} \\(inside\\) sms +SENT`));

  const decided = await tandem('decide', '--request', requestId, '--answer', 'declined', '--reason', 'customer found another supplier');
  expect(decided).toMatchObject({ code: 0, err: '' });
  expect(decided.out).toMatch(/^200 /);
  await eventually(async () => (await tandem('request', requestId)).out.includes('NotifyTandem'), { timeoutMs: 60_000, intervalMs: 300 });
  const outcome = await tandem('request', requestId);
  expect(outcome.out).toMatch(new RegExp(`^Request ${requestId}: UNFULFILLED`));
  expect(outcome.out).toMatch(/Decisions:\n {2}declined \(customer found another supplier\) by P\d{4}/);
  // The link decides once: the same answer again is the API's refusal, as one line.
  const again = await tandem('decide', '--request', requestId, '--answer', 'declined', '--reason', 'twice');
  expect(again).toEqual({ code: 1, out: '', err: `tandem: request ${requestId} has no open decision` });
}, 180_000);

test('tandem: an unknown request id and a bad body are one readable line and a non-zero exit, never a stack trace', async () => {
  // A real child process through the npm bin's launcher.
  const unknown = await run(['bin/tandem.js', 'request', 'no-such-request-42']);
  expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'tandem: GET /requests/no-such-request-42 → 404: request no-such-request-42 does not exist\n' });

  const out: string[] = [];
  const err: string[] = [];
  const stdin = (text: string): CliIo => ({ out: (l) => out.push(l), err: (l) => err.push(l), readStdin: () => Promise.resolve(text) });
  expect(await main(['submit', '-'], stdin('{"requestId": "cli-bad",'))).toBe(1);
  expect(await main(['submit', '-'], stdin(JSON.stringify({ requestId: 'cli-bad-2', customerId: 'C000001', lines: [], fulfilment: 'teleport' })))).toBe(1);
  expect(out).toEqual([]);
  expect(err).toEqual([
    'tandem: POST /requests → 400: request is invalid: body: is not valid JSON',
    expect.stringMatching(/^tandem: POST \/requests → 400: customer request is invalid: .*lines: must contain at least one line.*neededBy.*fulfilment/),
  ]);
  expect(await tandem('decide', 'not-a-reference', '--answer', 'declined')).toEqual({
    code: 1,
    out: '',
    err: "tandem: 'not-a-reference' is neither a decision link nor a reference (22 letters, digits, - or _)",
  });
});
