/**
 * `npm run smoke -- --stage dev`: the story, replayed against a stage through
 * its public API and the AWS SDK, checked status by status. The stage is found
 * by its CloudFormation outputs (ops/stage.ts), so the same command rehearses
 * locally (with `npm start`'s AWS_ENDPOINT_URL_* variables) what it checks
 * after a deploy (with AWS credentials). Each check prints ✓ or ✗; the exit
 * code is 0 only when all hold, 1 with what differed.
 *
 * What it leaves behind (a live stage has no cancel route): two requests
 * `smoke-<timestamp>-reserve` and `-escalate` with their records, and stock
 * counts of the two SKUs at the stores it touched (the next real count
 * replaces them). Their holds lapse — the workflows release them — four hours
 * (the stage's grace) after their needed-by time, three hours after the run.
 */
import { parseArgs } from 'node:util';
import { executionNameFor } from '../functions/customer-request/domain/submission';
import { executionArnOf, executionPath, inOrder, type ExecutionPath } from './execution-path';
import { describeError, OpsError } from './ops-error';
import { connectStage, type StageConnection } from './stage';
import { StoreApi } from './store-api';
import { findCast, hasStep, STORY_DEFAULTS, StoryScenario, type RequestView } from './story-scenario';

const USAGE = `Usage: npm run smoke -- [--stage <name>] [options]

Replays the story against a stage and checks every status (exit 0 when all hold).
  --stage <name>          the stage (stack Tandem360-<name>); default $TANDEM_STAGE or dev
  --customer <id>         the customer of both requests (default ${STORY_DEFAULTS.customerId}, the story's)
  --reserve-sku <sku>     the product reserved nearby (default ${STORY_DEFAULTS.reserveSku})
  --escalate-sku <sku>    the product no near store has (default ${STORY_DEFAULTS.escalateSku})
  --timeout <seconds>     how long each request may take to reach its status (default 90)
  --allow-prod            run against prod too (it posts stock counts for real stores and leaves two requests)
  -h, --help              this text
Locally: start \`npm start\`, export the AWS_ENDPOINT_URL_* variables it prints, then run it.
Deployed: run it with AWS credentials for the stage's account and region.`;

/** Statuses after which a request moves no more: seeing one of these early ends the wait. */
const FINAL = ['FAILED', 'UNFULFILLED', 'DECLINED', 'CANCELLED'];
/** The timeline (audit events) and the states a story request passes, in order. */
export const EXPECTED = {
  reserve: {
    timeline: ['Received', 'Route', 'CheckStock', 'ReserveStock', 'Outcome', 'NotifyTandem'],
    states: ['FulfilRequest', 'Fulfilled'],
  },
  escalate: {
    timeline: ['Received', 'Route', 'CheckStock', 'Escalate', 'AskDecision', 'Decided', 'Outcome', 'NotifyTandem'],
    states: ['FulfilRequest', 'Fulfilled', 'PlanEscalation', 'AwaitInsideDecision', 'ApplyDecision', 'ReserveDecidedStock', 'ConcludeRequest'],
  },
} as const;
/** Where a concluded request's execution waits: for the end of the quiet hours (a held SMS), then for its hold to lapse. */
const WAITING_STATES = ['AwaitQuietHoursEnd', 'AwaitHoldLapse'];

export interface SmokeOptions {
  readonly stage: string;
  readonly customerId: string;
  readonly reserveSku: string;
  readonly escalateSku: string;
  readonly timeoutMs: number;
  readonly allowProd: boolean;
}

export function parseSmokeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SmokeOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stage: { type: 'string' },
        customer: { type: 'string' },
        'reserve-sku': { type: 'string' },
        'escalate-sku': { type: 'string' },
        timeout: { type: 'string' },
        'allow-prod': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new OpsError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const timeout = values.timeout === undefined ? 90 : Number(values.timeout);
  if (!(timeout > 0)) throw new OpsError(`--timeout must be a number of seconds above 0, got '${values.timeout}'`);
  return {
    stage: values.stage ?? env.TANDEM_STAGE ?? 'dev',
    customerId: values.customer ?? STORY_DEFAULTS.customerId,
    reserveSku: values['reserve-sku'] ?? STORY_DEFAULTS.reserveSku,
    escalateSku: values['escalate-sku'] ?? STORY_DEFAULTS.escalateSku,
    timeoutMs: timeout * 1000,
    allowProd: values['allow-prod'] ?? false,
  };
}

class CheckFailed extends Error {}

/** Each check prints one line, ✓ with what it saw or ✗ with what differed; the first ✗ ends the run. */
class Checks {
  passed = 0;
  constructor(private readonly print: (line: string) => void) {}

  async check<T>(name: string, run: () => Promise<{ value: T; saw: string }>): Promise<T> {
    try {
      const { value, saw } = await run();
      this.passed += 1;
      this.print(`✓ ${name}: ${saw}`);
      return value;
    } catch (error) {
      this.print(`✗ ${name}: ${describeError(error)}`);
      throw new CheckFailed(name);
    }
  }
}

function expect(condition: boolean, whatDiffered: string): void {
  if (!condition) throw new OpsError(whatDiffered);
}

/** Runs the smoke test; returns the exit code. */
export async function runSmoke(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  let options: SmokeOptions | 'help';
  try {
    options = parseSmokeArgs(argv);
  } catch (error) {
    print(`✗ ${describeError(error)}`);
    return 1;
  }
  if (options === 'help') {
    print(USAGE);
    return 0;
  }
  if (options.stage === 'prod' && !options.allowProd) {
    print('✗ the smoke test posts stock counts for real stores and leaves two requests behind; run it against prod only with --allow-prod');
    return 1;
  }
  const checks = new Checks(print);
  let stage: StageConnection | undefined;
  try {
    print(`Smoke test of stage ${options.stage}`);
    stage = await checks.check('stage found by its stack outputs', async () => {
      const connection = await connectStage(options.stage);
      if (!connection.workflows.some((w) => w.name === 'CustomerRequests')) {
        connection.destroy();
        throw new OpsError(`stack ${connection.stackName} has no CustomerRequestsStateMachineArn output`);
      }
      return {
        value: connection,
        saw: `${connection.stackName} in ${connection.region}: API ${connection.apiUrl}, table ${connection.tableName}, workflows ${connection.workflows.map((w) => w.name).join(', ')}`,
      };
    });
    await replay(stage, options, checks);
    print(`All ${checks.passed} checks hold.`);
    return 0;
  } catch (error) {
    if (!(error instanceof CheckFailed)) print(`✗ ${describeError(error)}`);
    print(`Smoke test failed after ${checks.passed} passing check(s).`);
    return 1;
  } finally {
    stage?.destroy();
  }
}

async function replay(stage: StageConnection, options: SmokeOptions, checks: Checks): Promise<void> {
  const api = new StoreApi({ apiUrl: stage.apiUrl, region: stage.region, credentials: stage.credentials });
  const table = { doc: stage.doc, tableName: stage.tableName };
  const cast = await checks.check('the story cast in the reference data', async () => {
    const found = await findCast(table, options);
    return { value: found, saw: `customer ${found.customerId} of ${found.territoryId}, home store ${found.homeStore}, nearest ${found.nearbyStore}, further away ${found.farStore}` };
  });
  const story = new StoryScenario(api, table, cast);
  const requestsArn = stage.workflows.find((w) => w.name === 'CustomerRequests')!.stateMachineArn;
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 17);
  // Needed in three hours: a full decision window (it closes two hours before), and holds that lapse the same day.
  const neededBy = new Date(Date.now() + 3 * 3_600_000).toISOString();

  // ------------------------------------------------------------ 1: reserved nearby
  const reserveId = `smoke-${stamp}-reserve`;
  await checks.check('stock counts through POST /stores/{id}/stock', async () => {
    const home = await story.setFreeStock(cast.homeStore, cast.reserveSku, 2);
    const nearby = await story.setFreeStock(cast.nearbyStore, cast.reserveSku, 25);
    return { value: undefined, saw: `${cast.reserveSku}: ${cast.homeStore} 2 free → ${home.status}, ${cast.nearbyStore} 25 free → ${nearby.status}` };
  });
  await checks.check(`POST /requests ${reserveId}`, () => submitted(story, story.reserveRequest(reserveId, { quantity: 10, neededBy })));
  await checks.check(`${reserveId} RESERVED at ${cast.nearbyStore}`, async () => {
    const view = await settled(story, reserveId, 'RESERVED', options.timeoutMs);
    expectOutcome(view, 'RESERVED', cast.nearbyStore, EXPECTED.reserve.timeline);
    const hold = view.reservations.find((r) => r.storeId === cast.nearbyStore);
    expect(hold?.lines.some((l) => l.sku === cast.reserveSku && l.quantity === 10) === true, `expected 10 × ${cast.reserveSku} held at ${cast.nearbyStore}, holds are ${JSON.stringify(view.reservations)}`);
    return { value: view, saw: `${timelineOf(view)}; holds 10 × ${cast.reserveSku} until ${hold?.expiresAt ?? '?'}; told ${notified(view)}` };
  });
  await checks.check(`execution of ${reserveId}`, () => executionCheck(stage, requestsArn, reserveId, EXPECTED.reserve.states, options.timeoutMs));

  // ------------------------------------------------------------ 2: escalated, decided by the link, sourced
  const escalateId = `smoke-${stamp}-escalate`;
  await checks.check('no stock near: counts of 0 through the stock feed', async () => {
    const stores = [...cast.candidates, cast.farStore];
    for (const storeId of stores) await story.setFreeStock(storeId, cast.escalateSku, 0);
    return { value: undefined, saw: `${cast.escalateSku} 0 free at ${stores.join(', ')}` };
  });
  await checks.check(`POST /requests ${escalateId}`, () => submitted(story, story.escalateRequest(escalateId, { quantity: 12, neededBy })));
  const pending = await checks.check(`${escalateId} ESCALATED, the decision waits for the inside manager`, async () => {
    const view = await settled(story, escalateId, 'ESCALATED', options.timeoutMs, 'AskDecision');
    expect(view.request.status === 'ESCALATED', `expected status ESCALATED, got ${view.request.status} (${timelineOf(view)})`);
    const decision = await story.pendingDecision(escalateId);
    expect(decision !== undefined, `no open decision in the table for ${escalateId}`);
    expect(decision!.role === 'inside', `expected the inside manager to hold the decision, ${decision!.holderId} (${decision!.role}) does`);
    return { value: decision!, saw: `${timelineOf(view)}; held by ${decision!.holderId} (${decision!.role}), link …/tasks/${decision!.ref.slice(0, 4)}…` };
  });
  await checks.check(`stock arrives at ${cast.farStore}`, async () => {
    const arrival = await story.setFreeStock(cast.farStore, cast.escalateSku, 15);
    return { value: undefined, saw: `${cast.escalateSku} 15 free → ${arrival.status}` };
  });
  const answer = { outcome: 'sourced', storeId: cast.farStore };
  await checks.check('decided through the decision link', async () => {
    const response = await api.decide(pending.ref, answer);
    return { value: undefined, saw: `POST …/tasks/<ref>/decision ${JSON.stringify(answer)} → ${response.status}` };
  });
  await checks.check('the link decides once', async () => {
    const again = await api.decideExpectingRefusal(pending.ref, { outcome: 'declined', reason: 'smoke: second answer' });
    expect(again.status === 410, `expected 410 for a used link, got ${again.status} ${JSON.stringify(again.body)}`);
    return { value: undefined, saw: `the same link again → 410` };
  });
  await checks.check(`${escalateId} SOURCED at ${cast.farStore}`, async () => {
    const view = await settled(story, escalateId, 'SOURCED', options.timeoutMs);
    expectOutcome(view, 'SOURCED', cast.farStore, EXPECTED.escalate.timeline);
    const decision = view.decisions?.[0];
    expect(decision?.outcome === 'sourced' && decision.storeId === cast.farStore, `expected the decision sourced at ${cast.farStore}, got ${JSON.stringify(view.decisions)}`);
    return { value: view, saw: `${timelineOf(view)}; decided by ${decision!.decidedBy}; told ${notified(view)}` };
  });
  await checks.check(`execution of ${escalateId}`, () => executionCheck(stage, requestsArn, escalateId, EXPECTED.escalate.states, options.timeoutMs));
}

async function submitted(story: StoryScenario, body: unknown): Promise<{ value: undefined; saw: string }> {
  const response = await story.submit(body);
  expect(response.status === 202 && response.body.status === 'RECEIVED', `expected 202 RECEIVED, got ${response.status} ${JSON.stringify(response.body)}`);
  return { value: undefined, saw: `${response.status} ${response.body.status}` };
}

/** Waits for the status (and the NotifyTandem step, or `step`); a final status that is not it ends the wait at once. */
function settled(story: StoryScenario, requestId: string, status: string, timeoutMs: number, step = 'NotifyTandem'): Promise<RequestView> {
  return story.until(requestId, (v) => (v.request.status === status && hasStep(v, step)) || FINAL.includes(v.request.status), timeoutMs);
}

function expectOutcome(view: RequestView, status: string, storeId: string, timeline: readonly string[]): void {
  expect(view.request.status === status, `expected status ${status}, got ${view.request.status}${view.request.reason ? ` (${view.request.reason})` : ''} after ${timelineOf(view)}`);
  expect(view.request.storeId === storeId, `expected store ${storeId}, got ${view.request.storeId ?? 'none'}`);
  const steps = view.timeline.map((e) => e.step);
  expect(inOrder(steps, timeline), `expected the timeline ${timeline.join(' → ')}, got ${steps.join(' → ')}`);
}

/** DescribeExecution and GetExecutionHistory: the path taken, and the execution now waiting (held SMS, hold lapse) or done. */
async function executionCheck(stage: StageConnection, stateMachineArn: string, requestId: string, states: readonly string[], timeoutMs: number) {
  const arn = executionArnOf(stateMachineArn, executionNameFor(requestId));
  const deadline = Date.now() + timeoutMs;
  let path: ExecutionPath | undefined;
  // The request's record is written by a step; the execution moves on to its Wait state a moment later.
  for (;;) {
    path = await executionPath(stage.sfn, arn);
    const waiting = path?.status === 'RUNNING' && WAITING_STATES.includes(path.states.at(-1) ?? '');
    if (!path || waiting || path.status !== 'RUNNING' || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(path !== undefined, `no execution ${arn}`);
  const p = path!;
  expect(p.status === 'RUNNING' || p.status === 'SUCCEEDED', `expected the execution RUNNING (waiting) or SUCCEEDED, got ${p.status} ${p.error ?? ''} ${p.cause ?? ''}`.trim());
  expect(inOrder(p.states, states), `expected the states ${states.join(' → ')}, the execution entered ${p.states.join(' → ')}`);
  const now = p.states.at(-1) ?? '';
  expect(p.status === 'SUCCEEDED' || WAITING_STATES.includes(now), `expected the execution to wait in ${WAITING_STATES.join(' or ')}, it is in ${now}`);
  return { value: p, saw: `${p.status}${p.status === 'RUNNING' ? ` in ${now}` : ''} after ${states.join(' → ')}` };
}

const timelineOf = (view: RequestView): string => view.timeline.map((e) => e.step).join(' → ');

function notified(view: RequestView): string {
  const told = view.notifications.filter((n) => n.status === 'SENT' || n.status === 'HELD').map((n) => `${n.personId}:${n.channel}${n.status === 'HELD' ? ' (held)' : ''}`);
  return told.length > 0 ? [...new Set(told)].join(', ') : 'nobody';
}

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void runSmoke(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
