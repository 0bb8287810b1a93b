import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { StoreApi } from '../api/store-api';
import { TandemFunction } from '../functions/tandem-function';

const FUNCTIONS_DIR = join(__dirname, '..', '..', 'functions', 'customer-request');

export interface CustomerRequestServiceProps {
  readonly table: TableV2;
  readonly api: StoreApi;
  readonly retainLogs?: boolean;
}

/**
 * The customer-request capability: its handlers, their grants, and its routes
 * on the store API. (The workflow itself joins here as the roadmap proceeds.)
 */
export class CustomerRequestService extends Construct {
  public readonly getRequest: TandemFunction;
  public readonly stockFeed: TandemFunction;

  constructor(scope: Construct, id: string, props: CustomerRequestServiceProps) {
    super(scope, id);
    this.getRequest = new TandemFunction(this, 'GetRequest', {
      entry: join(FUNCTIONS_DIR, 'get-request.ts'),
      description: 'GET /requests/{id}: a customer request with its decisions and timeline',
      serviceName: 'customer-request',
      timeout: Duration.seconds(6),
      environment: { TABLE_NAME: props.table.tableName },
      invocation: { kind: 'sync', caller: 'API Gateway (GET /requests/{id})' },
      ...(props.retainLogs === undefined ? {} : { retainLogs: props.retainLogs }),
    });
    // Least privilege: the request, its decisions and audit events share one partition of the table itself.
    // (TableV2.grant would add the indexes too.)
    this.getRequest.role.addToPolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [props.table.tableArn] }),
    );

    const requests = props.api.api.root.addResource('requests');
    props.api.addIamRoute(requests.addResource('{id}'), 'GET', new LambdaIntegration(this.getRequest.fn), {
      requestParameters: { 'method.request.path.id': true },
    });

    this.stockFeed = new TandemFunction(this, 'StockFeed', {
      entry: join(FUNCTIONS_DIR, 'stock-feed.ts'),
      description: 'POST /stores/{storeId}/stock: apply a store system\'s stock counts, newest count wins',
      serviceName: 'customer-request',
      timeout: Duration.seconds(20),
      environment: { TABLE_NAME: props.table.tableName },
      invocation: { kind: 'sync', caller: 'API Gateway (POST /stores/{storeId}/stock)' },
      ...(props.retainLogs === undefined ? {} : { retainLogs: props.retainLogs }),
    });
    // Reads the store and the catalogue, writes stock levels: only items in store and product partitions.
    this.stockFeed.role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*', 'PRODUCT#*'] } },
      }),
    );
    const store = props.api.api.root.addResource('stores').addResource('{storeId}');
    props.api.addIamRoute(store.addResource('stock'), 'POST', new LambdaIntegration(this.stockFeed.fn), {
      requestParameters: { 'method.request.path.storeId': true },
    });
  }
}
