import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TandemTable } from './data/tandem-table';
import type { StageConfig } from './stage-config';

export interface Tandem360StackProps extends StackProps {
  readonly config: StageConfig;
}

export class Tandem360Stack extends Stack {
  public readonly data: TandemTable;

  constructor(scope: Construct, id: string, props: Tandem360StackProps) {
    super(scope, id, props);
    this.data = new TandemTable(this, 'Data', { retainData: props.config.retainData });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
  }
}
