import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { LOCAL_AWS } from '../../local/runtime/contracts';
import { failedItems } from '../../local/runtime/streams/stream-mapping';
import { toLambdaRecord } from '../../local/runtime/streams/stream-records';

const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/Items/stream/2026-01-01T00:00:00.000';

describe('stream records as Lambda receives them', () => {
  const raw: _Record = {
    eventID: 'e-1',
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-03-01T10:15:00.000Z'),
      Keys: { pk: { S: 'ITEM#1' } },
      NewImage: {
        pk: { S: 'ITEM#1' },
        blob: { B: Uint8Array.from([1, 2, 255]) },
        blobs: { BS: [Uint8Array.from([0]), Uint8Array.from([104, 105])] },
        nested: { M: { list: { L: [{ N: '1' }, { S: 'x' }, { NULL: true }, { BOOL: false }] }, tags: { SS: ['a'] }, ns: { NS: ['1', '2'] } } },
      },
      OldImage: { pk: { S: 'ITEM#1' } },
      SequenceNumber: '000000000000000000007',
      SizeBytes: 42,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };

  test('carry the source ARN and the local region, the time in epoch seconds and binary values in base64', () => {
    expect(toLambdaRecord(raw, STREAM_ARN)).toEqual({
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: LOCAL_AWS.region,
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-03-01T10:15:00.000Z') / 1000,
        Keys: { pk: { S: 'ITEM#1' } },
        NewImage: {
          pk: { S: 'ITEM#1' },
          blob: { B: 'AQL/' },
          blobs: { BS: ['AA==', 'aGk='] },
          nested: { M: { list: { L: [{ N: '1' }, { S: 'x' }, { NULL: true }, { BOOL: false }] }, tags: { SS: ['a'] }, ns: { NS: ['1', '2'] } } },
        },
        OldImage: { pk: { S: 'ITEM#1' } },
        SequenceNumber: '000000000000000000007',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: STREAM_ARN,
    });
  });

  test('a record without images (KEYS_ONLY) has only its keys, and survives a JSON round trip unchanged', () => {
    const keysOnly: _Record = { ...raw, dynamodb: { Keys: { pk: { S: 'ITEM#1' } }, SequenceNumber: '9', SizeBytes: 5, StreamViewType: 'KEYS_ONLY' } };
    const record = toLambdaRecord(keysOnly, STREAM_ARN);
    expect(record.dynamodb).toEqual({ Keys: { pk: { S: 'ITEM#1' } }, SequenceNumber: '9', SizeBytes: 5, StreamViewType: 'KEYS_ONLY' });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});

describe('partial batch responses (ReportBatchItemFailures)', () => {
  const batch = [{ sequenceNumber: '10' }, { sequenceNumber: '11' }, { sequenceNumber: '12' }];

  test.each([
    { name: 'no response', payload: undefined },
    { name: 'a null response', payload: null },
    { name: 'an empty object', payload: {} },
    { name: 'null batchItemFailures', payload: { batchItemFailures: null } },
    { name: 'an empty list', payload: { batchItemFailures: [] } },
    { name: 'a plain value', payload: 'done' },
  ])('$name means the whole batch succeeded', ({ payload }) => {
    expect(failedItems(payload, batch)).toBeUndefined();
  });

  test('the batch is retried from the failed record with the lowest sequence number', () => {
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '11' }] }, batch)).toBe(1);
    expect(failedItems({ batchItemFailures: [{ itemIdentifier: '10' }] }, batch)).toBe(0);
  });

  test.each([
    { name: 'an empty identifier', payload: { batchItemFailures: [{ itemIdentifier: '' }] } },
    { name: 'a null identifier', payload: { batchItemFailures: [{ itemIdentifier: null }] } },
    { name: 'a missing identifier', payload: { batchItemFailures: [{ id: '11' }] } },
    { name: 'an identifier not in the batch', payload: { batchItemFailures: [{ itemIdentifier: '99' }] } },
    { name: 'batchItemFailures that is not a list', payload: { batchItemFailures: { itemIdentifier: '11' } } },
  ])('$name fails the whole batch, as in Lambda', ({ payload }) => {
    expect(failedItems(payload, batch)).toBe('all');
  });
});
