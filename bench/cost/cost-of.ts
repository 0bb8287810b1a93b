/** US$ of one scenario's meter reading at list prices (bench/cost-prices.ts); SMS apart, as the issue asks. */
import { totalGbSeconds, totalInvocations, type MeterReading } from '../../local/runtime/metering/cloud-meter';
import { PRICES } from '../cost-prices';

export interface ScenarioCost {
  readonly workflowUsd: number;
  readonly lambdaUsd: number;
  readonly dynamoDbUsd: number;
  readonly snsUsd: number;
  readonly apiUsd: number;
  /** Everything but SMS. */
  readonly totalUsd: number;
  readonly smsUsd: number;
}

/** The stack's functions run on Arm (arm64); the Lambda prices are Arm's. */
export function costOf(reading: MeterReading): ScenarioCost {
  const workflowUsd = reading.transitions * PRICES.stateTransition.usd;
  const lambdaUsd = totalInvocations(reading) * PRICES.lambdaRequest.usd + totalGbSeconds(reading) * PRICES.lambdaArmGbSecond.usd;
  const dynamoDbUsd = reading.dynamoDb.readUnits * PRICES.dynamoDbReadUnit.usd + reading.dynamoDb.writeUnits * PRICES.dynamoDbWriteUnit.usd;
  const snsUsd = reading.sns.billedPublishes * PRICES.snsPublish.usd + reading.sns.emails * PRICES.snsEmail.usd;
  const apiUsd = reading.apiRequests * PRICES.apiRequest.usd;
  const smsUsd = reading.sns.smsSegments * PRICES.smsSegmentGermany.usd;
  return { workflowUsd, lambdaUsd, dynamoDbUsd, snsUsd, apiUsd, totalUsd: workflowUsd + lambdaUsd + dynamoDbUsd + snsUsd + apiUsd, smsUsd };
}

/**
 * The same scenario with its synchronous part (the states before the first Wait or callback task) in an
 * Express workflow: those transitions are no longer billed; the Express execution is billed per request
 * and per GB-second (its duration rounded up to 100 ms, at the 64 MB minimum); the rest stays Standard.
 */
export function expressAlternativeCost(reading: MeterReading, synchronous: { readonly transitions: number; readonly ms: number }): ScenarioCost {
  const standard = costOf(reading);
  const billedSeconds = Math.ceil(synchronous.ms / 100) / 10;
  const expressUsd = PRICES.expressRequest.usd + billedSeconds * (64 / 1024) * PRICES.expressGbSecond.usd;
  const workflowUsd = (reading.transitions - synchronous.transitions) * PRICES.stateTransition.usd + expressUsd;
  return { ...standard, workflowUsd, totalUsd: standard.totalUsd - standard.workflowUsd + workflowUsd };
}
