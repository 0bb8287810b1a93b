/**
 * A Lambda step as every workflow of the project invokes one: the function's
 * own answer as the step's result (at `resultPath`, or discarded), errors that
 * say the input itself cannot go on never retried, everything else retried a
 * bounded number of times with full jitter. No task timeout: the function's
 * own timeout ends a stuck invocation with an error the retry sees. The
 * caller adds where a failure goes.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { JitterType, JsonPath, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

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
  });
  task.addRetry({ errors: [...permanentErrors], maxAttempts: 0, jitterStrategy: JitterType.FULL });
  task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.seconds(20), jitterStrategy: JitterType.FULL });
  return task;
}
