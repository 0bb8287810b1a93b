// Runs before each integration test file (jest `setupFiles`): points
// TANDEM_TEST_DYNAMODB_ENDPOINT at this worker's own DynamoDB Local, one of those
// global-setup.ts started. Files in different workers run at the same time and
// each loads, mutates and restores the seed in the one table the template
// declares; in separate instances they cannot see each other's writes or streams.
import { TEST_ENV } from '../support/test-env';

const endpoints = (process.env[TEST_ENV.dynamoDbEndpoints] ?? '').split(' ').filter(Boolean);
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
const own = endpoints[(worker - 1) % Math.max(1, endpoints.length)];
if (own) process.env[TEST_ENV.dynamoDbEndpoint] = own;
