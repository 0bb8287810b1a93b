import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { join, relative } from 'node:path';
import { Architecture, type CfnFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TANDEM_BUNDLING } from './bundling';

/** Template metadata naming the module a function was bundled from (read by bench/bundle-sizes.ts). */
export const ENTRY_METADATA = 'tandem:entry';

const PROJECT_ROOT = join(__dirname, '..', '..');

export interface TandemFunctionProps {
  /** The handler module, e.g. `functions/customer-request/submit-request.ts`. */
  readonly entry: string;
  readonly description: string;
  /** Service name in logs and metrics, e.g. `customer-request`. */
  readonly serviceName: string;
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Longer than any SDK call chain it makes; never Lambda's 3 s default.
   * @default 10 seconds
   */
  readonly timeout?: Duration;
  /** @default 512 MB (more memory is also more CPU: cold starts and JSON work are CPU-bound) */
  readonly memorySize?: number;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Keep logs when the stack is deleted. @default false */
  readonly retainLogs?: boolean;
  /**
   * Who invokes it, and so where a failure goes. `sync` callers (API Gateway,
   * Step Functions tasks) receive the error and retry or record it; `async`
   * invocations (events, streams) must name a dead-letter queue.
   */
  readonly invocation: { readonly kind: 'sync'; readonly caller: string } | { readonly kind: 'async'; readonly deadLetterQueue: IQueue };
}

/**
 * The one way this project builds a Lambda function: latest Node.js runtime on
 * ARM, bundled and minified by a local esbuild, X-Ray tracing, JSON logs in a
 * log group of its own with a retention, and a role of its own that may write
 * only to that log group — grants for tables, topics and state machines are
 * added by the construct that uses the function.
 */
export class TandemFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: TandemFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role: this.role,
      ...(props.invocation.kind === 'async' ? { deadLetterQueue: props.invocation.deadLetterQueue } : {}),
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: { ...TANDEM_BUNDLING, mainFields: [...TANDEM_BUNDLING.mainFields] },
    });
    (this.fn.node.defaultChild as CfnFunction).addMetadata(ENTRY_METADATA, relative(PROJECT_ROOT, props.entry).split('\\').join('/'));

    // Tracing: X-Ray's PutTraceSegments / PutTelemetryRecords have no resource type, so "*" is the only valid resource.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only actions without resource-level permissions get Resource "*": X-Ray PutTraceSegments and PutTelemetryRecords, and for functions that send SMS sns:CheckIfPhoneNumberIsOptedOut.',
      });
    }
    if (props.invocation.kind === 'sync') {
      Validations.of(this.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `Invoked synchronously by ${props.invocation.caller}: a failure returns to the caller, which retries and records it; a DLQ only applies to asynchronous invocations.`,
      });
    }
  }
}
