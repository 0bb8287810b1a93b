/**
 * What the operations console shows, read from the in-process local cloud:
 * executions from the Step Functions engine, messages from the local SNS
 * outbox, the request and customer records through the product's own GET
 * routes (one source of truth: what a store system sees), and the decisions
 * waiting for a person.
 *
 * Pending decisions are read from the table through the product's
 * repositories (read only): the product API deliberately never shows a
 * decision reference (it is the holder's credential), but a local ops tool
 * needs it to answer — and answers through the product's decision route,
 * never by writing the table.
 */
import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { DynamoCustomerRepository } from '../../functions/repository/customer-repository';
import { DynamoCustomerTasks } from '../../functions/repository/customer-task-repository';
import type { TableContext } from '../../functions/repository/document-client';
import { DynamoEscalationRepository } from '../../functions/repository/escalation-repository';
import { DynamoRequestRepository } from '../../functions/repository/request-repository';
import { DynamoTandemDirectory } from '../../functions/repository/tandem-directory';
import type { LocalApiSpec, LocalStackModel, LocalStateMachineSpec } from '../runtime/contracts';
import { apiGatewayPath } from '../runtime/http/api-gateway';
import { signedFetch } from '../runtime/http/signed-fetch';
import type { LocalSns } from '../runtime/sns/local-sns';
import { outboxView, type RecipientDescriber } from '../runtime/sns/outbox-page';
import type { LocalStepFunctions } from '../runtime/stepfunctions/engine';
import {
  EXECUTION_STATUSES,
  type ConsoleOutbox,
  type ConsoleOverview,
  type DeliveredMessage,
  type ExecutionDetail,
  type ExecutionSubject,
  type ExecutionSummary,
  type PendingTask,
  type RecordView,
  type WorkflowSummary,
} from './console-contract';
import { pathTaken, stateGraphOf, timelineOf } from './state-graph';

export interface ConsoleSources {
  readonly model: LocalStackModel;
  readonly stepFunctions: LocalStepFunctions;
  readonly sns: LocalSns;
  /** The product table, read only. */
  readonly table: () => TableContext;
  /** The local API endpoint, where the product's routes are served. */
  readonly apiEndpoint: string;
  readonly describeRecipient?: RecipientDescriber;
}

/** A readable refusal: the endpoint answers it with its status and message. */
export class ConsoleRequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleRequestError';
  }
}

const SEARCH_LIMIT = 200;

export class ConsoleData {
  /** Subjects once complete (routed to a territory) do not change; they are read once. */
  private readonly subjects = new Map<string, ExecutionSubject>();
  private readonly api: LocalApiSpec;
  /** Path of the product API's stage on the local API endpoint, e.g. `/v1`. */
  readonly apiBasePath: string;

  constructor(private readonly sources: ConsoleSources) {
    const api = sources.model.apis.find((a) => a.routes.some((r) => r.path === '/requests/{id}')) ?? sources.model.apis[0];
    if (!api) throw new Error('the stack has no REST API for the console to read records from');
    this.api = api;
    const unique = sources.model.apis.filter((a) => a.stageName === api.stageName).length === 1;
    this.apiBasePath = unique ? `/${api.stageName}` : apiGatewayPath(api, '/').replace(/\/$/, '');
  }

  // ---------------------------------------------------------------- executions

  async overview(filter: { status?: string; q?: string }): Promise<ConsoleOverview> {
    if (filter.status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(filter.status)) {
      throw new ConsoleRequestError(400, `Unknown status '${filter.status}'; use one of ${EXECUTION_STATUSES.join(', ')}.`);
    }
    const workflows: WorkflowSummary[] = [];
    const all: ExecutionSummary[] = [];
    for (const machine of this.sources.model.stateMachines) {
      const items = this.listAll(machine.arn);
      const counts: Record<string, number> = {};
      for (const item of items) counts[item.status ?? 'UNKNOWN'] = (counts[item.status ?? 'UNKNOWN'] ?? 0) + 1;
      workflows.push({ id: workflowId(machine), name: workflowName(machine), stateMachineArn: machine.arn, counts });
      for (const item of items) all.push(await this.summary(machine, item));
    }
    const q = filter.q?.trim().toLowerCase();
    const executions = all
      .filter((e) => filter.status === undefined || e.status === filter.status)
      .filter((e) => !q || [e.requestId, e.customerId, e.territoryId, e.caseId, e.name].some((value) => value?.toLowerCase().includes(q)))
      .sort((a, b) => b.startDate.localeCompare(a.startDate))
      .slice(0, SEARCH_LIMIT);
    return { workflows, executions, filter: { ...(filter.status && { status: filter.status }), ...(q && { q: filter.q?.trim() }) } };
  }

  async execution(executionArn: string): Promise<ExecutionDetail> {
    const machine = this.sources.model.stateMachines.find((m) => executionArn.startsWith(m.arn.replace(':stateMachine:', ':execution:') + ':'));
    if (!machine) throw new ConsoleRequestError(404, `No execution '${executionArn}': it names no state machine of this stack.`);
    let described;
    try {
      described = this.sources.stepFunctions.describeExecution(executionArn);
    } catch {
      throw new ConsoleRequestError(404, `No execution '${executionArn}' (executions live in memory: a restart forgets them).`);
    }
    const events = this.sources.stepFunctions.getExecutionHistory(executionArn, { maxResults: 1000 }).events ?? [];
    const status = described.status ?? 'UNKNOWN';
    const path = pathTaken(events, status);
    const summary = await this.summary(machine, described);
    return {
      execution: {
        ...summary,
        ...(path.current !== undefined && { currentState: path.current }),
        input: described.input ?? '{}',
        ...(described.output !== undefined && { output: described.output }),
        ...(described.error !== undefined && { error: described.error }),
        ...(described.cause !== undefined && { cause: described.cause }),
      },
      graph: stateGraphOf(machine.definition),
      path,
      events: timelineOf(events),
    };
  }

  private listAll(stateMachineArn: string): ExecutionListItem[] {
    const items: ExecutionListItem[] = [];
    let nextToken: string | undefined;
    do {
      const page = this.sources.stepFunctions.listExecutions(stateMachineArn, undefined, 1000, nextToken);
      items.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return items;
  }

  private async summary(machine: LocalStateMachineSpec, item: Partial<Pick<ExecutionListItem, 'executionArn' | 'name' | 'status' | 'startDate' | 'stopDate'>>): Promise<ExecutionSummary> {
    const executionArn = item.executionArn ?? '';
    const running = item.status === 'RUNNING';
    const current = running ? pathTaken(this.sources.stepFunctions.getExecutionHistory(executionArn, { maxResults: 1000 }).events ?? [], 'RUNNING').current : undefined;
    return {
      executionArn,
      workflowId: workflowId(machine),
      workflowName: workflowName(machine),
      name: item.name ?? '',
      status: item.status ?? 'UNKNOWN',
      startDate: (item.startDate ?? new Date(0)).toISOString(),
      ...(item.stopDate && { stopDate: item.stopDate.toISOString() }),
      ...(current !== undefined && { currentState: current }),
      ...(await this.subjectOf(executionArn)),
    };
  }

  /** requestId, customerId and case from the execution's input; the territory from the request or customer record. */
  private async subjectOf(executionArn: string): Promise<ExecutionSubject> {
    const known = this.subjects.get(executionArn);
    if (known) return known;
    const input = parseObject(this.sources.stepFunctions.describeExecution(executionArn).input);
    const text = (name: string) => (typeof input[name] === 'string' ? input[name] : undefined);
    const requestId = text('requestId');
    const caseId = text('caseId') ?? text('priceRequestId') ?? text('followUpId');
    let customerId = text('customerId');
    let territoryId: string | undefined;
    if (requestId !== undefined) {
      const request = await new DynamoRequestRepository(this.sources.table()).getRequest(requestId);
      customerId ??= request?.customerId;
      territoryId = request?.territoryId;
    } else if (customerId !== undefined) {
      territoryId = (await new DynamoCustomerRepository(this.sources.table()).getCustomer(customerId))?.territoryId;
    }
    const subject = { ...(requestId && { requestId }), ...(customerId && { customerId }), ...(territoryId && { territoryId }), ...(caseId && { caseId }) };
    // A request is routed (given its territory) by its first step: until then it is read again.
    if (territoryId !== undefined || (requestId === undefined && customerId === undefined)) this.subjects.set(executionArn, subject);
    return subject;
  }

  // ---------------------------------------------------------------- decisions waiting for a person

  async pendingTasks(): Promise<PendingTask[]> {
    const table = this.sources.table();
    const escalations = new DynamoEscalationRepository(table);
    const customerTasks = new DynamoCustomerTasks(table);
    const running = (await this.overview({ status: 'RUNNING' })).executions;
    const tasks: PendingTask[] = [];
    for (const execution of running.filter((e) => e.requestId !== undefined)) {
      const escalation = await escalations.getEscalation(execution.requestId ?? '');
      if (escalation?.status !== 'OPEN') continue;
      const ref = await escalations.getRef(escalation.ref);
      if (ref?.status !== 'ACTIVE') continue;
      tasks.push(this.pending({ kind: 'escalation', ref: ref.ref, requestId: ref.requestId, holderId: ref.holderId, role: ref.role, phase: ref.phase, answerBy: ref.answerBy, executionArn: execution.executionArn }));
    }
    const customers = [...new Set(running.filter((e) => e.requestId === undefined).flatMap((e) => (e.customerId ? [e.customerId] : [])))];
    for (const customerId of customers) {
      for (const task of await customerTasks.openTasks(customerId)) {
        const execution = running.find((e) => e.customerId === customerId && e.caseId === task.caseId);
        tasks.push(
          this.pending({
            kind: task.kind,
            ref: task.ref,
            customerId,
            caseId: task.caseId,
            holderId: task.holderId,
            role: task.role,
            phase: task.phase,
            answerBy: task.answerBy,
            ...(execution && { executionArn: execution.executionArn }),
          }),
        );
      }
    }
    const people = await new DynamoTandemDirectory(table).people(tasks.map((t) => t.holderId));
    return tasks
      .map((task) => {
        const holder = people.find((p) => p.person.personId === task.holderId);
        return holder ? { ...task, holderName: holder.person.name } : task;
      })
      .sort((a, b) => a.answerBy.localeCompare(b.answerBy));
  }

  private pending(task: Omit<PendingTask, 'decisionPath' | 'linkPath'>): PendingTask {
    const linkPath = `${this.apiBasePath}/tasks/${encodeURIComponent(task.ref)}`;
    return { ...task, linkPath, decisionPath: `${linkPath}/decision` };
  }

  // ---------------------------------------------------------------- outbox and records

  outbox(): Promise<ConsoleOutbox> {
    return outboxView(this.sources.sns, {}, this.sources.describeRecipient);
  }

  /** GET /requests/{id} through the product's route, with the request's executions and the messages its notifications sent. */
  async request(requestId: string): Promise<RecordView> {
    const record = await this.productGet(`/requests/${encodeURIComponent(requestId)}`);
    const executions = (await this.overview({})).executions.filter((e) => e.requestId === requestId);
    return { record, executions, messages: this.messagesOf(record) };
  }

  /** GET /customers/{id} through the product's route, with the customer's executions (cases and requests) and messages. */
  async customer(customerId: string): Promise<RecordView> {
    const record = await this.productGet(`/customers/${encodeURIComponent(customerId)}`);
    const executions = (await this.overview({})).executions.filter((e) => e.customerId === customerId);
    return { record, executions, messages: this.messagesOf(record) };
  }

  /** Signed like a store system's or ops tool's call; a refusal keeps the product's status and message. */
  private async productGet(path: string): Promise<Record<string, unknown>> {
    const url = new URL(`${this.sources.apiEndpoint}${this.apiBasePath}${path}`);
    const response = await signedFetch(url, { method: 'GET' });
    const text = await response.text();
    const body = parseObject(text);
    if (response.status !== 200) {
      const message = typeof body.message === 'string' ? body.message : text.slice(0, 300) || `status ${response.status}`;
      throw new ConsoleRequestError(response.status, `GET ${path} → ${response.status}: ${message}`);
    }
    return body;
  }

  /** The outbox deliveries of the record's notifications, matched by SNS message id. */
  private messagesOf(record: Record<string, unknown>): DeliveredMessage[] {
    const notifications = Array.isArray(record.notifications) ? (record.notifications as { messageId?: unknown }[]) : [];
    const ids = new Set(notifications.flatMap((n) => (typeof n.messageId === 'string' ? [n.messageId] : [])));
    return this.sources.sns
      .outbox()
      .filter((r) => ids.has(r.messageId) && (r.channel === 'sms' || r.channel === 'email' || r.channel === 'email-json'))
      .map((r) => ({ messageId: r.messageId, channel: r.channel, endpoint: r.endpoint, at: r.at, ...(r.subject !== undefined && { subject: r.subject }), body: r.body }));
  }
}

/** The construct id without CDK's eight-character hash: `CustomerRequestsWorkflow324AECFC` → `CustomerRequestsWorkflow`. */
export function workflowId(machine: Pick<LocalStateMachineSpec, 'logicalId'>): string {
  return machine.logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** `CustomerRequestsWorkflow` → `Customer requests`; `CustomerLifecyclePriceRequestsWorkflow` → `Price requests`. */
export function workflowName(machine: Pick<LocalStateMachineSpec, 'logicalId'>): string {
  const words = workflowId(machine)
    .replace(/^CustomerLifecycle/, '')
    .replace(/(StateMachine|Workflow)$/, '')
    .split(/(?=[A-Z])/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w.toLowerCase())).join(' ') || machine.logicalId;
}

function parseObject(text: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
