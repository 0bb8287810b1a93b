/**
 * List prices (US$, pay-as-you-go, no free tier) for the cost model, region
 * eu-central-1 (Frankfurt). Looked up on 2026-11-27 in stored copies of the AWS
 * pricing pages named beside each price. `frankfurt: false` marks a price whose
 * Frankfurt figure those pages did not show: the figure given is the page's
 * US East example, and docs/cost.md says so.
 */
export interface ListPrice {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  /** The source shows this figure for Europe (Frankfurt). */
  readonly frankfurt: boolean;
  readonly note?: string;
}

export const PRICES_LOOKED_UP = '2026-11-27';
export const PRICE_REGION = 'eu-central-1 (Europe, Frankfurt)';

export const PRICES = {
  stateTransition: { usd: 0.025 / 1000, per: 'state transition (Standard)', source: 'https://aws.amazon.com/step-functions/pricing/', frankfurt: true },
  expressRequest: { usd: 1.0 / 1_000_000, per: 'Express execution', source: 'https://aws.amazon.com/step-functions/pricing/', frankfurt: false },
  expressGbSecond: {
    usd: 0.00001667,
    per: 'Express GB-second (duration rounded up to 100 ms, memory in 64 MB steps)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
    frankfurt: false,
  },
  lambdaRequest: { usd: 0.2 / 1_000_000, per: 'Lambda request', source: 'https://aws.amazon.com/lambda/pricing/', frankfurt: false },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'Lambda GB-second, Arm, first tier', source: 'https://aws.amazon.com/lambda/pricing/', frankfurt: false },
  dynamoDbWriteUnit: {
    usd: 0.625 / 1_000_000,
    per: 'DynamoDB on-demand write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    frankfurt: false,
    note: 'the stored pages show the units and rules but no on-demand price for Frankfurt; US East price after the November 2024 reduction',
  },
  dynamoDbReadUnit: {
    usd: 0.125 / 1_000_000,
    per: 'DynamoDB on-demand read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    frankfurt: false,
    note: 'as for write units',
  },
  snsPublish: { usd: 0.5 / 1_000_000, per: 'SNS publish (64 KB chunk)', source: 'https://aws.amazon.com/sns/pricing/', frankfurt: false },
  snsEmail: { usd: 2.0 / 100_000, per: 'SNS email notification', source: 'https://aws.amazon.com/sns/pricing/', frankfurt: false },
  apiRequest: { usd: 3.5 / 1_000_000, per: 'API Gateway REST API request, first tier', source: 'https://aws.amazon.com/api-gateway/pricing/', frankfurt: false },
  smsSegmentGermany: {
    usd: 0.0895,
    per: 'SMS message part to a German number',
    source: 'https://aws.amazon.com/end-user-messaging/pricing/',
    frankfurt: false,
    note: 'not found in the stored pages (the SMS price depends on the destination country and changes often): an assumed figure, shown apart from the rest',
  },
} as const satisfies Record<string, ListPrice>;
