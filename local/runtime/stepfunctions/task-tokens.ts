/**
 * Task tokens of `.waitForTaskToken` tasks: one fresh, unguessable token per
 * task attempt, valid until SendTaskSuccess / SendTaskFailure, the task's
 * timeout, or the end of its execution — whichever comes first.
 */
import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../contracts';
import { tryParseJson, type JsonValue } from './json';
import { TaskFailure } from './task-failure';

/** 256 random bits, base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/**
 * The library times the task out itself (so `States.TaskFailed` does not match
 * the timeout, as in AWS), or the dispatcher does for TimeoutSecondsPath; the
 * registry forgets the token a little later, as a backstop for tokens whose
 * task has already been given up on.
 */
const FORGET_AFTER_TIMEOUT_GRACE_MS = 250;

export interface IssuedToken {
  readonly token: string;
  /** Resolves with the SendTaskSuccess output; rejects with the TaskFailure SendTaskFailure or the timeout gave. */
  readonly outcome: Promise<JsonValue>;
}

interface PendingTask {
  readonly executionArn: string;
  readonly resolve: (output: JsonValue) => void;
  readonly reject: (failure: TaskFailure) => void;
  readonly timer: NodeJS.Timeout;
}

export class TaskTokenRegistry {
  private readonly pending = new Map<string, PendingTask>();

  issue(executionArn: string, timeoutMs: number): IssuedToken {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const outcome = new Promise<JsonValue>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(token)?.reject(new TaskFailure('States.Timeout', 'The task timed out waiting for its task token')),
        Math.min(timeoutMs + FORGET_AFTER_TIMEOUT_GRACE_MS, 2 ** 31 - 1),
      );
      this.pending.set(token, { executionArn, resolve, reject, timer });
    });
    // Nobody may be listening any more when a forgotten token is rejected (the task already timed out).
    outcome.catch(() => undefined);
    return { token, outcome };
  }

  succeed(token: string, output: string): void {
    this.assertKnown(token);
    const parsed = tryParseJson(output);
    if (!parsed) throw new AwsServiceError('InvalidOutput', 'The provided JSON output data is invalid');
    this.settle(token)?.resolve(parsed.value);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.assertKnown(token);
    this.settle(token)?.reject(new TaskFailure(error ?? '', cause ?? ''));
  }

  /** Heartbeats are accepted for live tokens; HeartbeatSeconds is refused at load, so there is nothing to extend. */
  heartbeat(token: string): void {
    this.assertKnown(token);
  }

  /** Withdraws a token whose task failed before its callback could come (e.g. the publish that carried it failed). */
  forget(token: string): void {
    this.settle(token);
  }

  /** Forgets every token of an execution that stopped, so late callbacks get TaskDoesNotExist. */
  forgetExecution(executionArn: string, reason: TaskFailure): void {
    for (const [token, task] of this.pending) {
      if (task.executionArn === executionArn) this.settle(token)?.reject(reason);
    }
  }

  private assertKnown(token: string): void {
    if (!TOKEN_PATTERN.test(token)) throw new AwsServiceError('InvalidToken', 'Invalid Token: the task token is malformed');
    if (!this.pending.has(token)) {
      throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist anymore (completed, timed out, or its execution stopped)');
    }
  }

  private settle(token: string): PendingTask | undefined {
    const task = this.pending.get(token);
    if (!task) return undefined;
    clearTimeout(task.timer);
    this.pending.delete(token);
    return task;
  }
}
