import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
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
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
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
 *
 * Its callers are two roles of the account (docs/access-control.md): store
 * systems assume `storeSystemsRole`, allowed `execute-api:Invoke` on the store
 * routes only; the directory's administrators assume `directoryAdminRole`,
 * allowed the admin routes only. Each route added grants its role.
 */
export class StoreApi extends Construct {
  public readonly api: RestApi;
  public readonly validator: RequestValidator;
  public readonly accessLogs: LogGroup;
  public readonly stageName: string;
  /** Store systems: may invoke the store routes (addIamRoute), nothing else. */
  public readonly storeSystemsRole: Role;
  /** The tandem directory's administrators: may invoke the admin routes (addAdminRoute), nothing else. */
  public readonly directoryAdminRole: Role;

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
    // Trusted by the account: an IAM user or workload of the account that is allowed sts:AssumeRole on it.
    this.storeSystemsRole = new Role(this, 'StoreSystemsRole', {
      assumedBy: new AccountRootPrincipal(),
      description: 'Store systems: execute-api:Invoke on the store routes of the Store API, nothing else',
    });
    this.directoryAdminRole = new Role(this, 'DirectoryAdminRole', {
      assumedBy: new AccountRootPrincipal(),
      description: 'Tandem directory administrators: execute-api:Invoke on the admin routes of the Store API (tandem directory, reassignments), nothing else',
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

  /** A store route: only signed (SigV4) callers allowed by IAM (the store systems' role) may call it; requests are validated. */
  addIamRoute(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions = {}): Method {
    const method = this.addSignedRoute(resource, httpMethod, integration, options);
    this.allowInvoke(this.storeSystemsRole, method);
    return method;
  }

  /**
   * An administration route (the tandem directory, reassignments): IAM-signed
   * like the store routes, and invokable by the directory admin role only —
   * the store systems' role names the store routes alone.
   */
  addAdminRoute(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions = {}): Method {
    const method = this.addSignedRoute(resource, httpMethod, integration, options);
    this.allowInvoke(this.directoryAdminRole, method);
    return method;
  }

  /** `execute-api:Invoke` on exactly this method (`<api>/<stage>/<METHOD>/<path>`, path parameters as `*`). */
  private allowInvoke(role: Role, method: Method): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [method.methodArn] }));
    if (!method.resource.path.includes('{')) return;
    // The finding names the ARN as cdk-nag prints it: references as <LogicalId>.
    const stack = Stack.of(this);
    const logicalId = (element: unknown) => stack.resolve((element as CfnElement).logicalId) as string;
    const path = method.resource.path.replace(/\{[^}]+\}/g, '*');
    const arn = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId(this.api.node.defaultChild)}>/<${logicalId(this.api.deploymentStage.node.defaultChild)}>/${method.httpMethod}${path}`;
    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arn}]`,
      reason: `The wildcard stands for the path parameter of ${method.httpMethod} ${method.resource.path}: any id on this one route, no other route or method.`,
    });
  }

  private addSignedRoute(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions): Method {
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
