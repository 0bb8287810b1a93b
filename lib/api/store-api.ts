import { Validations } from 'aws-cdk-lib';
import type {
  RequestValidator} from 'aws-cdk-lib/aws-apigateway';
import {
  AccessLogFormat,
  AuthorizationType,
  LogGroupLogDestination,
  type IResource,
  type Integration,
  type Method,
  type MethodOptions,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface StoreApiProps {
  readonly stageName: string;
  /** Steady-state requests per second across the stage. @default 50 */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
}

/**
 * The REST API the wholesale stores' systems call. Every method requires IAM
 * (SigV4-signed requests) unless a route says otherwise; the stage is
 * throttled, writes JSON access logs, and traces with X-Ray. Routes are added
 * by the capability that owns them (e.g. lib/customer-request).
 */
export class StoreApi extends Construct {
  public readonly api: RestApi;
  public readonly validator: RequestValidator;
  public readonly accessLogs: LogGroup;
  public readonly stageName: string;

  constructor(scope: Construct, id: string, props: StoreApiProps) {
    super(scope, id);
    this.stageName = props.stageName;
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.api = new RestApi(this, 'Api', {
      description: 'Tandem 360: customer requests and stock feeds from store systems',
      cloudWatchRole: false,
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.rateLimit ?? 50,
        throttlingBurstLimit: props.burstLimit ?? 100,
        tracingEnabled: true,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.validator = this.api.addRequestValidator('ValidateBodyAndParameters', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const stage = this.api.deploymentStage.node.defaultChild!;
    Validations.of(stage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'Access logs (JSON) are written for every request. Execution logging would need the account-wide API Gateway CloudWatch role, which one stack must not own for the whole account.',
    });
    Validations.of(stage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: 'Callers are the company\'s store systems with IAM credentials; a WAF web ACL is attached per account by the platform team, not by this stack.',
    });
  }

  /** A route only signed (SigV4) callers with an IAM policy for it may call, with request validation. */
  addIamRoute(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions = {}): Method {
    const method = resource.addMethod(httpMethod, integration, {
      ...options,
      authorizationType: AuthorizationType.IAM,
      requestValidator: this.validator,
    });
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Store systems are machines and authenticate with IAM (SigV4); Cognito user pools are for people.',
    });
    return method;
  }

  /**
   * An administration route (the tandem directory): IAM-signed like the store
   * routes, and meant for the company's admin role — the IAM policy of the
   * store systems' role names the store routes only (docs/notifications.md).
   */
  addAdminRoute(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions = {}): Method {
    return this.addIamRoute(resource, httpMethod, integration, options);
  }

  /**
   * A route for people, not store systems: the single-use, 128-bit reference in
   * its path is the credential (a capability URL, as in a password-reset link),
   * so it needs no IAM signature a phone could not make. The handler validates
   * the body; the stage's throttling applies.
   */
  addCapabilityRoute(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions = {}): Method {
    const method = resource.addMethod(httpMethod, integration, {
      ...options,
      authorizationType: AuthorizationType.NONE,
      requestValidator: this.validator,
    });
    for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
      Validations.of(method).acknowledge({
        id,
        reason: 'Capability URL: the unguessable, single-use decision reference in the path authorizes exactly one answer to one task; tandem partners answer from a phone without AWS credentials.',
      });
    }
    return method;
  }
}
