import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';

/** Which items of the table a function may touch: actions on the table ARN, limited to partitions by key prefix. */
export interface TableAccess {
  readonly actions: readonly string[];
  /** Partition key prefixes, e.g. `REQUEST#`; the function can reach no other item. */
  readonly partitions: readonly string[];
}

/**
 * Grants the actions on the table's items whose partition key starts with one
 * of the prefixes (`dynamodb:LeadingKeys`). On the table ARN only: TableV2's
 * grant helpers would add its indexes and more actions.
 */
export function grantTableAccess(role: IRole, table: ITableV2, access: TableAccess): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      resources: [table.tableArn],
      actions: [...access.actions],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.partitions.map((p) => `${p}*`) } },
    }),
  );
}
