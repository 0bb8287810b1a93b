/**
 * A Lambda step as every workflow of the project invokes one: the function's
 * own answer as the step's result (at `resultPath`, or discarded), errors that
 * say the input itself cannot go on never retried, everything else retried a
 * bounded number of times with full jitter. The caller adds where a failure
 * goes.
 *
 * The task has a timeout of its own, a margin above the function's: the
 * function's timeout ends a stuck handler (Lambda answers `Sandbox.Timedout`,
 * which the retrier sees), and the task's ends an invocation the Lambda
 * service itself never answers — without it Step Functions would wait its
 * default 99,999,999 seconds.
 */
import { Duration } from 'aws-cdk-lib';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { JitterType, JsonPath, TaskInput, Timeout } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * How much longer a Lambda task waits than its function may run. Lambda's init
 * phase (a cold start) may take up to 10 s and does not count against the
 * function's timeout; 5 s more covers the invoke's own round trip. So the
 * function's timeout always fires first, and the task's only for an invocation
 * Lambda never answers.
 */
export const LAMBDA_TASK_TIMEOUT_MARGIN = Duration.seconds(15);

/** A task's timeout for a function: its own timeout plus the margin. */
export function lambdaTaskTimeout(fn: IFunction): Duration {
  const timeout = fn instanceof LambdaFunction ? fn.timeout : undefined;
  if (!timeout) throw new Error(`${fn.node.path}: a workflow step needs a function whose timeout is known (a lambda.Function with timeout set)`);
  return Duration.seconds(timeout.toSeconds() + LAMBDA_TASK_TIMEOUT_MARGIN.toSeconds());
}

export function lambdaStep(
  scope: Construct,
  id: string,
  fn: IFunction,
  payload: Record<string, unknown>,
  resultPath: string | null,
  permanentErrors: readonly string[],
): LambdaInvoke {
  const task = new LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    resultPath: resultPath ?? JsonPath.DISCARD,
    taskTimeout: Timeout.duration(lambdaTaskTimeout(fn)),
  });
  task.addRetry({ errors: [...permanentErrors], maxAttempts: 0, jitterStrategy: JitterType.FULL });
  task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.seconds(20), jitterStrategy: JitterType.FULL });
  return task;
}
