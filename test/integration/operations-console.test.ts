/**
 * The local operations console in a real browser (Debian's Chromium, driven by
 * playwright-core; no browser download): a reserved request and an escalated
 * one run through the product stack, and the page shows them — the execution
 * list with statuses, one execution's timeline and its state graph with the
 * path taken, the outbox, the request record with its links, the pending
 * decision with holder and deadline — and answering the decision from the page
 * completes the execution while another tab's list updates by itself. Unknown
 * ids show a readable message. Screenshots go to reports/artifacts/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../lib/app';
import type { ConsoleOverview } from '../../local/console/console-contract';
import {
  awaitRequest,
  customerOfOwnTerritory,
  hoursFromNow,
  setStock,
  startWorld,
  stateMachineOf,
  submit,
  tandemOf,
  testProduct,
  type World,
} from '../support/customer-request-world';

const ARTIFACTS = join(PROJECT_ROOT, 'reports', 'artifacts', 'console');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Page content arrives by polling (about once a second); a busy machine may take a few polls. */
const UI_TIMEOUT_MS = 30_000;

const RESERVED = 'console-reserved-1';
const ESCALATED = 'console-escalated-1';

let world: World;
let browser: Browser;
let consoleUrl: string;
let customer: Awaited<ReturnType<typeof customerOfOwnTerritory>>;

// 1/5: the inside manager's decision window (30 min) lasts 6 min, its reminder (same link) comes at 3 min —
// far longer than the browser needs, even on a busy machine — and the reserved request's hold (days) outlasts the file.
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  world = await startWorld({ timeScale: 1 / 5 });
  consoleUrl = world.product.cloud.consoleUrl;
  // Customer range 100+ and test products 50–51: no other file uses them (customerOfOwnTerritory).
  customer = await customerOfOwnTerritory(world, 100);
  const inStock = testProduct(world, 50);
  const nowhere = testProduct(world, 51);
  await setStock(world, [{ storeId: customer.homeStoreId, sku: inStock.sku, available: 20 }]);
  const neededBy = hoursFromNow(72);
  expect((await submit(world, { requestId: RESERVED, customerId: customer.customerId, lines: [inStock.line(4)], neededBy, fulfilment: 'delivery' })).status).toBe(202);
  expect((await submit(world, { requestId: ESCALATED, customerId: customer.customerId, lines: [nowhere.line(3)], neededBy, fulfilment: 'delivery' })).status).toBe(202);
  await awaitRequest(world, RESERVED, ['RESERVED'], 'NotifyTandem');
  await awaitRequest(world, ESCALATED, ['ESCALATED'], 'AskDecision');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // Seeding the world and running two requests take a minute or two when the machine is busy.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

async function open(hash: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${consoleUrl}${hash}`);
  return page;
}

/** The visible part: the outbox holds every tandem's messages, too long a page to capture whole. */
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const executionRow = (page: Page, requestId: string) => page.locator(`tr[data-execution="req-${requestId}"]`);

function executionArnOf(requestId: string): string {
  const item = world.product.cloud.stepFunctions.listExecutions(stateMachineOf(world).arn).executions?.find((e) => e.name === `req-${requestId}`);
  if (!item?.executionArn) throw new Error(`no execution for ${requestId}`);
  return item.executionArn;
}

test('the execution list shows both requests under their workflow with status, and finds them by customer and by territory', async () => {
  const page = await open(`#/?q=${customer.customerId}`);
  try {
    const workflow = page.locator('section.workflow[data-workflow="CustomerRequestsWorkflow"]');
    await workflow.locator(`tr[data-execution="req-${RESERVED}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await executionRow(page, ESCALATED).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await workflow.locator('h3').textContent()).toMatch(/^Customer requests/);
    // The reserved request waits for its hold to lapse; the escalated one for a person.
    // (NotifyTandem's audit event is written before its state ends: the row may need a poll or two to show the wait.)
    await executionRow(page, RESERVED).filter({ hasText: 'AwaitHoldLapse' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await executionRow(page, ESCALATED).filter({ hasText: 'AwaitInsideDecision' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await executionRow(page, RESERVED).locator('.status').textContent()).toBe('RUNNING');
    expect(await executionRow(page, ESCALATED).locator('.status').textContent()).toBe('RUNNING');
    expect(await executionRow(page, ESCALATED).textContent()).toContain(customer.territoryId);
    await shot(page, 'executions');

    // The same search by territory, typed into the page; then a status filter that excludes them.
    await page.fill('input[name="q"]', customer.territoryId);
    await page.click('form.filter button[type="submit"]');
    await page.waitForURL(`**#/?q=${customer.territoryId}`);
    await executionRow(page, ESCALATED).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.selectOption('select[name="status"]', 'FAILED');
    await page.waitForURL(`**status=FAILED*`);
    await executionRow(page, ESCALATED).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    expect(await page.locator('tr[data-execution]').count()).toBe(0);
  } finally {
    await page.close();
  }
});

test("one execution shows its history as a timeline and its state graph with the path taken and the current state", async () => {
  const page = await open(`#/executions/${encodeURIComponent(executionArnOf(RESERVED))}`);
  try {
    await page.locator('g[data-state="AwaitHoldLapse"][data-path="current"]').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('h2').textContent()).toContain(`req-${RESERVED}`);
    // The path: fulfilled in one step (routed, stock held, concluded, the tandem told); the escalation branch untouched.
    for (const state of ['FulfilRequest', 'Fulfilled', 'SmsHeldForQuietHours', 'HoldsStock']) {
      expect(await page.locator(`g[data-state="${state}"]`).getAttribute('data-path')).toBe('visited');
    }
    expect(await page.locator('g[data-state="PlanEscalation"]').getAttribute('data-path')).toBe('unvisited');
    expect(await page.locator('path.edge.taken[data-edge="FulfilRequest>Fulfilled"]').count()).toBe(1);
    expect(await page.locator('path.edge.taken[data-edge="Fulfilled>PlanEscalation"]').count()).toBe(0);
    // The timeline: AWS's event types in order, each with its state.
    const timeline = page.locator('ol.timeline li');
    expect(await timeline.first().getAttribute('data-type')).toBe('ExecutionStarted');
    expect(await page.locator('ol.timeline li[data-type="TaskStateEntered"] .state').allTextContents()).toEqual([' FulfilRequest']);
    expect(await page.locator('ol.timeline li[data-type="LambdaFunctionSucceeded"]').count()).toBe(1);
    await shot(page, 'execution-graph-timeline');
  } finally {
    await page.close();
  }
});

test('the outbox shows the SMS and email the tandem received, with the decision link', async () => {
  const { insideManager } = tandemOf(world, customer.territoryId);
  const page = await open('#/outbox');
  try {
    // Without a directory to name them (npm start has one), recipients are their number and address.
    const sms = page.locator(`section[data-recipient="${insideManager.mobile}"] article[data-channel="sms"]`);
    await sms.filter({ hasText: '/tasks/' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const email = page.locator(`section[data-recipient="${insideManager.email}"] article[data-channel="email"]`);
    await email.first().waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await email.locator('.subject').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/Entscheidung nötig|Decision needed/)]));
    // Links in a message are links.
    expect(await sms.filter({ hasText: '/tasks/' }).first().locator('a').getAttribute('href')).toMatch(/\/tasks\/[A-Za-z0-9_-]{22}$/);
    await shot(page, 'outbox');
  } finally {
    await page.close();
  }
});

test('the request record comes from GET /requests/{id}, with links to its execution and the messages of its notifications', async () => {
  const page = await open(`#/requests/${RESERVED}`);
  try {
    await page.locator('.record .status', { hasText: 'RESERVED' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator(`.record a[href="#/customers/${customer.customerId}"]`).count()).toBeGreaterThan(0);
    const executionLink = page.locator(`.record tr[data-execution="req-${RESERVED}"] a`).first();
    expect(await executionLink.getAttribute('href')).toBe(`#/executions/${encodeURIComponent(executionArnOf(RESERVED))}`);
    // Each notification sent shows the message the outbox delivered for it.
    const sent = page.locator('.record article.notification[data-channel="sms"]');
    await sent.first().waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await sent.first().locator('.body').textContent()).toMatch(/\S/);
    await shot(page, 'request-record');
    await executionLink.click();
    await page.locator('g[data-state="AwaitHoldLapse"][data-path="current"]').waitFor({ timeout: UI_TIMEOUT_MS });
  } finally {
    await page.close();
  }
});

test('the pending decision shows holder and deadline; answering it from the page completes the execution, and the open list updates by itself', async () => {
  const { insideManager } = tandemOf(world, customer.territoryId);
  const list = await open(`#/?q=${ESCALATED}`);
  const tasks = await open('#/tasks');
  try {
    await executionRow(list, ESCALATED).locator('.status', { hasText: 'RUNNING' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const card = tasks.locator('article.task[data-kind="escalation"]', { hasText: ESCALATED });
    await card.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await card.locator('.holder').textContent()).toContain(insideManager.personId);
    expect(await card.locator('.holder').textContent()).toContain('inside role');
    // The deadline is the reference's answerBy: at most the 30-minute SLA window from the escalation.
    const answerBy = Date.parse((await card.locator('.deadline time').getAttribute('datetime')) ?? '');
    expect(answerBy).toBeGreaterThan(Date.now());
    expect(answerBy).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    await shot(tasks, 'pending-decision');

    // A refusal of the product's route is shown as it says it, and changes nothing.
    await card.locator('input[type="radio"][value="sourced"]').check();
    await card.locator('input[name="storeId"]').fill('S999');
    await card.locator('button[type="submit"]').click();
    await card.locator('.message.error', { hasText: 'S999' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await card.locator('input[type="radio"][value="declined"]').check();
    await card.locator('input[name="reason"]').fill('Lieferant fällt aus');
    await card.locator('button[type="submit"]').click();
    await tasks.locator('.message.info', { hasText: `request ${ESCALATED} answered: declined` }).waitFor({ timeout: UI_TIMEOUT_MS });

    // The list in the other tab was not touched: it polls, and shows the execution finished.
    await executionRow(list, ESCALATED).locator('.status', { hasText: 'SUCCEEDED' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect((await world.product.cloud.stepFunctions.whenEnded(executionArnOf(ESCALATED))).status).toBe('SUCCEEDED');
    const view = await awaitRequest(world, ESCALATED, ['UNFULFILLED']);
    expect(view.decisions).toEqual([expect.objectContaining({ outcome: 'declined', decidedBy: insideManager.personId, reason: 'Lieferant fällt aus' })]);
    await tasks.locator('article.task', { hasText: ESCALATED }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await shot(list, 'answered-execution-list');

    // Its graph: escalated, declined (the task fails, and its catch concludes the request), told, done.
    await list.setViewportSize({ width: 1400, height: 1400 });
    await list.goto(`${consoleUrl}#/executions/${encodeURIComponent(executionArnOf(ESCALATED))}`);
    await list.locator('g[data-state="Done"][data-path="visited"]').waitFor({ timeout: UI_TIMEOUT_MS });
    for (const state of ['FulfilRequest', 'PlanEscalation', 'AwaitInsideDecision', 'ConcludeRequest']) {
      expect(await list.locator(`g[data-state="${state}"]`).getAttribute('data-path')).toBe('visited');
    }
    expect(await list.locator('g[data-state="ReserveDecidedStock"]').getAttribute('data-path')).toBe('unvisited');
    expect(await list.locator('path.edge.taken[data-edge="AwaitInsideDecision>ConcludeRequest"]').count()).toBe(1);
    expect(await list.locator('g[data-path="current"], g[data-path="stopped"]').count()).toBe(0);
    await shot(list, 'escalated-execution');
  } finally {
    await Promise.all([list.close(), tasks.close()]);
  }
});

test('unknown ids and malformed ones show a readable message, never a blank page', async () => {
  const page = await open('#/requests/no-such-request');
  try {
    await page.locator('.message.error', { hasText: 'no-such-request' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.message.error').textContent()).toBe('Not found: GET /requests/no-such-request → 404: request no-such-request does not exist');
    await shot(page, 'unknown-request');

    await page.goto(`${consoleUrl}#/customers/nobody`);
    await page.locator('.message.error', { hasText: 'path parameter id' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await page.goto(`${consoleUrl}#/executions/${encodeURIComponent(`${stateMachineOf(world).arn.replace(':stateMachine:', ':execution:')}:never-ran`)}`);
    await page.locator('.message.error', { hasText: 'never-ran' }).waitFor({ timeout: UI_TIMEOUT_MS });
  } finally {
    await page.close();
  }
  // The JSON API says the same to tools, with the status.
  const response = await fetch(`${consoleUrl}/api/overview?status=DONE`);
  expect(response.status).toBe(400);
  expect(((await response.json()) as { message: string }).message).toBe("Unknown status 'DONE'; use one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED.");
  const overview = (await (await fetch(`${consoleUrl}/api/overview?q=${ESCALATED}`)).json()) as ConsoleOverview;
  expect(overview.executions.map((e) => [e.requestId, e.status])).toEqual([[ESCALATED, 'SUCCEEDED']]);
});
