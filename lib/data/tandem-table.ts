import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface TandemTableProps {
  /**
   * Keep the table when the stack is deleted and refuse deletes.
   * @default false
   */
  readonly retainData?: boolean;
}

/** Attribute and index names of the single table; functions/repository/table-layout.ts uses the same. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLive: 'expiresAt',
  indexes: ['gsi1', 'gsi2', 'gsi3'],
} as const;

/**
 * The single DynamoDB table holding territories, tandems, customers, stores,
 * products, stock, requests, decisions and audit events
 * (docs/access-patterns.md). On-demand, encrypted with a KMS key AWS manages,
 * point-in-time recovery, a stream of new and old images, TTL on `expiresAt`.
 */
export class TandemTable extends Construct {
  public readonly table: TableV2;

  constructor(scope: Construct, id: string, props: TandemTableProps = {}) {
    super(scope, id);
    const retain = props.retainData ?? false;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.timeToLive,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      globalSecondaryIndexes: TABLE_SCHEMA.indexes.map((name) => ({
        indexName: name,
        partitionKey: { name: `${name}pk`, type: AttributeType.STRING },
        sortKey: { name: `${name}sk`, type: AttributeType.STRING },
      })),
    });
  }
}
