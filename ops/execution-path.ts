/**
 * A workflow execution as Step Functions tells it: DescribeExecution's status
 * and, from GetExecutionHistory, the states it entered in order. Used by the
 * smoke test (the path a request took) and the CLI (`tandem request`).
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, paginateGetExecutionHistory, type SFNClient } from '@aws-sdk/client-sfn';

export interface ExecutionPath {
  readonly executionArn: string;
  readonly status: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly error?: string;
  readonly cause?: string;
  /** Names of the states entered, in order (a state entered twice appears twice). */
  readonly states: readonly string[];
}

/** The ARN of an execution by name, as Step Functions forms it from its state machine's ARN. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** The execution and the states it entered; undefined if there is no such execution. */
export async function executionPath(sfn: SFNClient, executionArn: string): Promise<ExecutionPath | undefined> {
  let described;
  try {
    described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    throw error;
  }
  const states: string[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn })) {
    for (const event of page.events ?? []) {
      const name = event.stateEnteredEventDetails?.name;
      if (name) states.push(name);
    }
  }
  return {
    executionArn,
    status: described.status ?? 'UNKNOWN',
    ...(described.startDate ? { startDate: described.startDate } : {}),
    ...(described.stopDate ? { stopDate: described.stopDate } : {}),
    ...(described.error ? { error: described.error } : {}),
    ...(described.cause ? { cause: described.cause } : {}),
    states,
  };
}

/** Whether `expected` appears in `actual` in the same order (other entries may come between). */
export function inOrder(actual: readonly string[], expected: readonly string[]): boolean {
  let i = 0;
  for (const item of actual) if (item === expected[i]) i += 1;
  return i === expected.length;
}
