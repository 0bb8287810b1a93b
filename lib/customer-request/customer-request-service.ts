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
    const routeFunction = (fnId: string, route: RouteFunctionProps): TandemFunction => {
      const fn = new TandemFunction(this, fnId, {
        entry: join(FUNCTIONS_DIR, route.file),
        description: route.description,
        serviceName: 'customer-request',
        timeout: route.timeout,
        environment: { TABLE_NAME: props.table.tableName },
        invocation: { kind: 'sync', caller: `API Gateway (${route.description.split(':')[0]})` },
        ...(props.retainLogs === undefined ? {} : { retainLogs: props.retainLogs }),
      });
      // Statements on the table ARN only: TableV2's grant helpers would add its indexes and more actions.
      fn.role.addToPolicy(new PolicyStatement({ resources: [props.table.tableArn], ...route.tableAccess }));
      return fn;
    };

    this.getRequest = routeFunction('GetRequest', {
      file: 'get-request.ts',
      description: 'GET /requests/{id}: a customer request with its decisions and timeline',
      timeout: Duration.seconds(6),
      // The request, its decisions and audit events share one partition of the table itself.
      tableAccess: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    });
    const requests = props.api.api.root.addResource('requests');
    props.api.addIamRoute(requests.addResource('{id}'), 'GET', new LambdaIntegration(this.getRequest.fn), {
      requestParameters: { 'method.request.path.id': true },
    });

    this.stockFeed = routeFunction('StockFeed', {
      file: 'stock-feed.ts',
      description: "POST /stores/{storeId}/stock: apply a store system's stock counts, newest count wins",
      timeout: Duration.seconds(20),
      // Reads the store and the catalogue, writes stock levels: only items in store and product partitions.
      tableAccess: {
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['STORE#*', 'PRODUCT#*'] } },
      },
    });
    const store = props.api.api.root.addResource('stores').addResource('{storeId}');
    props.api.addIamRoute(store.addResource('stock'), 'POST', new LambdaIntegration(this.stockFeed.fn), {
      requestParameters: { 'method.request.path.storeId': true },
    });
  }
}

interface RouteFunctionProps {
  readonly file: string;
  /** `METHOD /path: what it does` — the part before the colon names the caller's route. */
  readonly description: string;
  readonly timeout: Duration;
  readonly tableAccess: { readonly actions: string[]; readonly conditions?: Record<string, unknown> };
}
