/**
 * DynamoDB Streams records as the DynamoDB Streams API (the SDK) returns them,
 * turned into the records of the event Lambda hands a stream-triggered function
 * (`{ Records: [...] }`, Lambda developer guide, "Using AWS Lambda with Amazon
 * DynamoDB"): the same fields, with `eventSourceARN` added, `awsRegion` the local
 * region (DynamoDB Local says `ddblocal`), `ApproximateCreationDateTime` in epoch
 * seconds and binary values base64-encoded, as in Lambda's JSON.
 */
import type { _Record as SdkStreamRecord, AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { LOCAL_AWS } from '../contracts';

/** A stream record ready for delivery: the Lambda form, its sequence number, and when the poller first saw it. */
export interface PolledRecord {
  readonly record: DynamoDBRecord;
  readonly sequenceNumber: string;
  /** `ApproximateCreationDateTime` in epoch milliseconds (DynamoDB Local rounds it down to the minute). */
  readonly createdAtMs: number;
  /** When the poller read the record (epoch milliseconds, real time): the local measure of a record's age. */
  readonly readAtMs: number;
}

export function toLambdaRecord(record: SdkStreamRecord, eventSourceArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const images = {
    ...(stream.Keys ? { Keys: toLambdaItem(stream.Keys) } : {}),
    ...(stream.NewImage ? { NewImage: toLambdaItem(stream.NewImage) } : {}),
    ...(stream.OldImage ? { OldImage: toLambdaItem(stream.OldImage) } : {}),
  };
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: LOCAL_AWS.region,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...images,
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN: eventSourceArn,
    // Set by DynamoDB for deletions made by TTL; DynamoDB Local never deletes by TTL, so it stays absent here.
    ...(record.userIdentity ? { userIdentity: { ...record.userIdentity } } : {}),
  };
}

function toLambdaItem(item: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toLambdaValue(value)]));
}

function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  throw new Error(`unknown DynamoDB attribute value type in a stream record: ${Object.keys(value).join(', ')}`);
}
