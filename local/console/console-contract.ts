/**
 * The JSON the operations console's API answers (local/console/console-endpoint.ts)
 * and its page reads (console/src/): one set of types for both sides. Dates are
 * ISO-8601 text.
 */
import type { OutboxView } from '../runtime/sns/outbox-page';

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ConsoleExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Who or what an execution works on, read from its input and the records it names. */
export interface ExecutionSubject {
  readonly requestId?: string;
  readonly customerId?: string;
  readonly territoryId?: string;
  /** The customer case (onboarding, price request, follow-up). */
  readonly caseId?: string;
}

export interface ExecutionSummary extends ExecutionSubject {
  readonly executionArn: string;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  /** The state it is in now (running executions). */
  readonly currentState?: string;
}

export interface WorkflowSummary {
  /** The state machine's construct id without CDK's hash, e.g. `CustomerRequestsWorkflow`. */
  readonly id: string;
  readonly name: string;
  readonly stateMachineArn: string;
  /** Executions by status, before any filter. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface ConsoleOverview {
  readonly workflows: readonly WorkflowSummary[];
  /** Newest first, after the filter. */
  readonly executions: readonly ExecutionSummary[];
  readonly filter: { readonly status?: string; readonly q?: string };
}

export interface TimelineEvent {
  readonly id: number;
  readonly timestamp: string;
  readonly type: string;
  /** The state the event belongs to (task events carry none in AWS's history; it is the state entered last). */
  readonly state?: string;
  /** Error and cause, for failures. */
  readonly error?: string;
  readonly cause?: string;
  /** A short readable summary of the event's details (input, output, resource). */
  readonly detail?: string;
}

export interface GraphState {
  readonly name: string;
  readonly type: string;
  readonly end: boolean;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `next`, `choice`, `default` or `catch`. */
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
}

export interface StateGraph {
  readonly startAt: string;
  readonly states: readonly GraphState[];
  readonly edges: readonly GraphEdge[];
}

export interface PathTaken {
  /** States entered, each once, in the order first entered. */
  readonly visited: readonly string[];
  /** Transitions taken, `from → to`, each once. */
  readonly transitions: readonly { readonly from: string; readonly to: string }[];
  /** The state a running execution is in now. */
  readonly current?: string;
  /** The state where a failed, timed-out or aborted execution stopped. */
  readonly stoppedAt?: string;
}

export interface ExecutionDetail {
  readonly execution: ExecutionSummary & { readonly input: string; readonly output?: string; readonly error?: string; readonly cause?: string };
  readonly graph: StateGraph;
  readonly path: PathTaken;
  readonly events: readonly TimelineEvent[];
}

/** A person's decision a workflow is waiting for: a request's escalation or a customer task. */
export interface PendingTask {
  /** `escalation` for a customer request; a customer task's kind otherwise (handover, priceDecision, …). */
  readonly kind: string;
  readonly ref: string;
  readonly requestId?: string;
  readonly customerId?: string;
  readonly caseId?: string;
  readonly holderId: string;
  readonly holderName?: string;
  readonly role: string;
  readonly phase: string;
  readonly answerBy: string;
  readonly executionArn?: string;
  /** Where the answer is posted: the product's own decision route (`/<stage>/tasks/<ref>/decision`). */
  readonly decisionPath: string;
  /** The decision link's page, as the SMS opens it. */
  readonly linkPath: string;
}

export interface PendingTasks {
  readonly tasks: readonly PendingTask[];
}

/** One SMS or email the local SNS delivered, as the record views join it to a notification. */
export interface DeliveredMessage {
  readonly messageId: string;
  readonly channel: string;
  readonly endpoint: string;
  readonly at: string;
  readonly subject?: string;
  readonly body: string;
}

/** GET /requests/{id} or GET /customers/{id} as the product answered it, with the executions and messages that belong to it. */
export interface RecordView {
  /** The product route's JSON, unchanged. */
  readonly record: Record<string, unknown>;
  readonly executions: readonly ExecutionSummary[];
  readonly messages: readonly DeliveredMessage[];
}

export type ConsoleOutbox = OutboxView;

/** Every error the console API answers: a sentence for a person. */
export interface ConsoleError {
  readonly message: string;
}
