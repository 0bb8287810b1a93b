import type { DynamoDBRecord } from 'aws-lambda';
import { AwsServiceError } from '../../local/runtime/contracts';
import { compileFilterCriteria, matchesFilterCriteria, MAX_FILTER_PATTERN_CHARS } from '../../local/runtime/streams/filter-criteria';

/** A DynamoDB stream record as Lambda delivers it (and as filters see it). */
const modify: DynamoDBRecord = {
  eventID: 'e1',
  eventName: 'MODIFY',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-central-1',
  dynamodb: {
    ApproximateCreationDateTime: 1_800_000_000,
    Keys: { pk: { S: 'TANDEM#T-042' }, sk: { S: 'PROFILE' } },
    NewImage: {
      pk: { S: 'TANDEM#T-042' },
      sk: { S: 'PROFILE' },
      entity: { S: 'Tandem' },
      territory: { N: '42' },
      active: { BOOL: true },
      phones: { SS: ['+491701234567', '+493012345678'] },
      note: { NULL: true },
    },
    OldImage: { pk: { S: 'TANDEM#T-042' }, sk: { S: 'PROFILE' }, entity: { S: 'Tandem' }, active: { BOOL: false } },
    SequenceNumber: '000000000000000000042',
    SizeBytes: 120,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/T/stream/2026-01-01T00:00:00.000',
};

const remove: DynamoDBRecord = {
  ...modify,
  eventName: 'REMOVE',
  dynamodb: { ...modify.dynamodb, NewImage: undefined },
};

function passes(patterns: readonly unknown[], record: DynamoDBRecord = modify): boolean {
  return matchesFilterCriteria(compileFilterCriteria(patterns.map((p) => JSON.stringify(p))), record);
}

function rejection(patterns: readonly string[]): AwsServiceError {
  try {
    compileFilterCriteria(patterns);
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error('the filter criteria were accepted');
}

interface Case {
  readonly name: string;
  readonly pattern: unknown;
  readonly passes: boolean;
  readonly record?: DynamoDBRecord;
}

describe('Lambda event filtering on DynamoDB stream records', () => {
  const cases: Case[] = [
    { name: 'an exact attribute value', pattern: { dynamodb: { NewImage: { entity: { S: ['Tandem'] } } } }, passes: true },
    { name: 'an exact value that differs', pattern: { dynamodb: { NewImage: { entity: { S: ['Customer'] } } } }, passes: false },
    { name: 'one of several values', pattern: { dynamodb: { NewImage: { entity: { S: ['Customer', 'Tandem'] } } } }, passes: true },
    { name: 'a key prefix', pattern: { dynamodb: { Keys: { pk: { S: [{ prefix: 'TANDEM#' }] } } } }, passes: true },
    { name: 'a key prefix that differs', pattern: { dynamodb: { Keys: { pk: { S: [{ prefix: 'ITEM#' }] } } } }, passes: false },
    { name: 'a suffix', pattern: { dynamodb: { Keys: { pk: { S: [{ suffix: '-042' }] } } } }, passes: true },
    { name: 'equals-ignore-case', pattern: { dynamodb: { NewImage: { entity: { S: [{ 'equals-ignore-case': 'TANDEM' }] } } } }, passes: true },
    { name: 'anything-but passes other values', pattern: { dynamodb: { NewImage: { entity: { S: [{ 'anything-but': ['Customer'] }] } } } }, passes: true },
    { name: 'anything-but refuses the listed value', pattern: { dynamodb: { NewImage: { entity: { S: [{ 'anything-but': 'Tandem' }] } } } }, passes: false },
    { name: 'a boolean attribute', pattern: { dynamodb: { NewImage: { active: { BOOL: [true] } } } }, passes: true },
    { name: 'the old image, not the new one', pattern: { dynamodb: { OldImage: { active: { BOOL: [true] } } } }, passes: false },
    { name: 'a string-set attribute matches any element', pattern: { dynamodb: { NewImage: { phones: { SS: ['+493012345678'] } } } }, passes: true },
    { name: 'a NULL attribute', pattern: { dynamodb: { NewImage: { note: { NULL: [true] } } } }, passes: true },
    { name: 'eventName', pattern: { eventName: ['INSERT', 'MODIFY'] }, passes: true },
    { name: 'eventName and an attribute together (AND)', pattern: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['Tandem'] } } } }, passes: false },
    { name: 'exists is about leaves: true on an attribute object', pattern: { dynamodb: { NewImage: { entity: [{ exists: true }] } } }, passes: false },
    { name: 'exists true on a present leaf', pattern: { dynamodb: { NewImage: { entity: { S: [{ exists: true }] } } } }, passes: true },
    { name: 'exists false on an absent attribute', pattern: { dynamodb: { NewImage: { closedAt: { S: [{ exists: false }] } } } }, passes: true },
    {
      name: 'exists false on the new image of a REMOVE',
      pattern: { dynamodb: { NewImage: { entity: { S: [{ exists: false }] } } } },
      record: remove,
      passes: true,
    },
    {
      name: 'a rule on the new image never passes a REMOVE (it has none)',
      pattern: { dynamodb: { NewImage: { entity: { S: ['Tandem'] } } } },
      record: remove,
      passes: false,
    },
    // Numbers are strings in DynamoDB JSON: numeric rules never match them, exact strings do.
    { name: 'a numeric rule on an N attribute', pattern: { dynamodb: { NewImage: { territory: { N: [{ numeric: ['>', 10] }] } } } }, passes: false },
    { name: 'an N attribute as its string', pattern: { dynamodb: { NewImage: { territory: { N: ['42'] } } } }, passes: true },
    { name: 'a numeric rule on a record number', pattern: { dynamodb: { SizeBytes: [{ numeric: ['>=', 100, '<', 200] }] } }, passes: true },
    {
      name: '$or between two attribute conditions',
      pattern: { $or: [{ dynamodb: { NewImage: { entity: { S: ['Customer'] } } } }, { dynamodb: { Keys: { sk: { S: ['PROFILE'] } } } }] },
      passes: true,
    },
  ];

  test.each(cases)('$name → $passes', ({ pattern, record, passes: expected }) => {
    expect(passes([pattern], record)).toBe(expected);
  });

  test('without filters every record passes', () => {
    expect(passes([])).toBe(true);
    expect(passes([], remove)).toBe(true);
  });

  test('several filters are ORed: a record passes when any one matches', () => {
    const inserts = { eventName: ['INSERT'] };
    const tandems = { dynamodb: { NewImage: { entity: { S: ['Tandem'] } } } };
    expect(passes([inserts])).toBe(false);
    expect(passes([inserts, tandems])).toBe(true);
    expect(passes([inserts, tandems], remove)).toBe(false);
  });
});

describe('filter criteria validation', () => {
  test.each([
    { name: 'a pattern that is not JSON', pattern: '{"dynamodb": ', problem: 'not JSON' },
    { name: 'a pattern that is not an object', pattern: '["INSERT"]', problem: 'must be a JSON object' },
    { name: 'a bare value instead of a list', pattern: '{"eventName": "INSERT"}', problem: '"eventName" must be an object or an array' },
    { name: 'an empty list', pattern: '{"eventName": []}', problem: 'empty arrays' },
    { name: 'an unknown operator', pattern: '{"eventName": [{"regex": "I.*"}]}', problem: 'unrecognized match type "regex"' },
    { name: 'a numeric range in the wrong order', pattern: '{"dynamodb": {"SizeBytes": [{"numeric": ["<", 1, ">", 0]}]}}', problem: 'lower bound' },
    { name: 'a pattern over 4,096 characters', pattern: JSON.stringify({ eventName: ['x'.repeat(MAX_FILTER_PATTERN_CHARS)] }), problem: 'longer than 4096' },
  ])('rejects $name with InvalidParameterValueException', ({ pattern, problem }) => {
    const error = rejection(['{"eventName": ["INSERT"]}', pattern]);
    expect(error.code).toBe('InvalidParameterValueException');
    expect(error.message).toMatch(/^Invalid filter pattern definition: filter 2: /);
    expect(error.message).toContain(problem);
  });

  test('numbers in patterns are not bounded as in SNS (Lambda has no ±10^9 rule)', () => {
    expect(() => compileFilterCriteria([JSON.stringify({ dynamodb: { SizeBytes: [{ numeric: ['<', 5e9] }] } })])).not.toThrow();
  });
});
