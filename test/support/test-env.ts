/** Environment variables through which the integration global setup hands its resources to the test files. */
export const TEST_ENV = {
  /** This worker's DynamoDB Local (test/integration/worker-dynamodb.ts sets it per worker). */
  dynamoDbEndpoint: 'TANDEM_TEST_DYNAMODB_ENDPOINT',
  /** Every worker's DynamoDB Local, space-separated, in worker order. */
  dynamoDbEndpoints: 'TANDEM_TEST_DYNAMODB_ENDPOINTS',
  cdkOut: 'TANDEM_TEST_CDK_OUT',
  /** Set when the integration setup synthesized into a directory of its own (which its teardown removes). */
  ownCdkOut: 'TANDEM_TEST_OWN_CDK_OUT',
  stackName: 'TANDEM_TEST_STACK',
} as const;

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run this test through the jest 'integration' project`);
  return value;
}
