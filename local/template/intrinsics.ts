/**
 * Resolves CloudFormation intrinsic functions in a synthesized template to the
 * values the local runtime uses: Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::Select, Fn::Split, Fn::If (with the template's Conditions), Fn::Base64,
 * Fn::GetAZs and pseudo-parameters. What cannot be resolved is an error naming
 * the resource and the property, never a silent placeholder.
 */
import { createHash } from 'node:crypto';
import { LOCAL_AWS } from '../runtime/contracts';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
}

export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Default?: unknown; Type?: string }>;
  readonly Conditions?: Record<string, unknown>;
}

export class TemplateResolutionError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'TemplateResolutionError';
  }
}

/** The local physical name of a resource that declares none: stable and unique per stack. */
export function localPhysicalName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`;
}

const { region, accountId: account, partition } = LOCAL_AWS;

/** Explicit name properties, by resource type; without one CloudFormation would generate a name. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::ApiGateway::RestApi': 'Name',
};

export interface IntrinsicResolverOptions {
  /**
   * `Fn::GetAtt [Table, StreamArn]` by table logical id: the stream ARNs DynamoDB
   * Local gave the tables (its own region and a stream label that changes whenever
   * a table is created), so that the value is one the local DynamoDB Streams API
   * accepts. Without it (a model read without a database) a stream ARN is
   * `<table ARN>/stream/local`, which no local API knows.
   */
  readonly streamArns?: Readonly<Record<string, string>>;
}

export class IntrinsicResolver {
  private readonly resources: Record<string, TemplateResource>;

  constructor(
    private readonly template: Template,
    readonly stackName: string,
    private readonly options: IntrinsicResolverOptions = {},
  ) {
    this.resources = template.Resources ?? {};
  }

  /** The physical name a resource has locally (its declared name, or a generated one). */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId, 'name');
    const property = NAME_PROPERTY[resource.Type];
    const declared = property ? resource.Properties?.[property] : undefined;
    if (declared !== undefined) {
      const value = this.resolve(declared, `${logicalId}.${property}`);
      if (typeof value === 'string') return value;
    }
    return localPhysicalName(this.stackName, logicalId);
  }

  arnOf(logicalId: string): string {
    const resource = this.resource(logicalId, 'Arn');
    const name = this.physicalName(logicalId);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${name}`;
      case 'AWS::SQS::Queue':
        return `arn:${partition}:sqs:${region}:${account}:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${account}:role/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::KMS::Key':
        return `arn:${partition}:kms:${region}:${account}:key/${name}`;
      case 'AWS::CloudWatch::Alarm':
        return `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
      default:
        throw new TemplateResolutionError(logicalId, `no local ARN for resource type ${resource.Type}`);
    }
  }

  /** Resolves every intrinsic in `value`; `where` names the resource and property for errors. */
  resolve(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${where}[${i}]`));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      if (fn === 'Ref' || fn.startsWith('Fn::')) return this.intrinsic(fn, arg, where);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]));
  }

  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved !== 'string') throw new TemplateResolutionError(where, `expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private intrinsic(fn: string, arg: unknown, where: string): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg), where);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.', 2);
        return this.getAtt(String(logicalId), String(attribute), where);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        const resolved = this.resolve(parts, where);
        if (!Array.isArray(resolved)) throw new TemplateResolutionError(where, 'Fn::Join needs a list');
        return resolved.map((part) => this.scalar(part, where)).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(arg, where);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.resolve(list, where);
        const i = Number(this.resolve(index, where));
        if (!Array.isArray(items) || !(i in items)) throw new TemplateResolutionError(where, `Fn::Select index ${i} is out of range`);
        return items[i];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return this.resolveString(source, where).split(separator);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.resolve(this.condition(condition, where) ? whenTrue : whenFalse, where);
      }
      case 'Fn::Base64':
        return Buffer.from(this.resolveString(arg, where)).toString('base64');
      case 'Fn::GetAZs':
        return [`${region}a`, `${region}b`, `${region}c`];
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.evaluate({ [fn]: arg }, where);
      default:
        throw new TemplateResolutionError(where, `${fn} is not supported by the local runtime`);
    }
  }

  private ref(name: string, where: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return LOCAL_AWS.urlSuffix;
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${account}:stack/${this.stackName}/local`;
      case 'AWS::NoValue':
        return undefined;
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) throw new TemplateResolutionError(where, `parameter ${name} has no default`);
      return parameter.Default;
    }
    const resource = this.resource(name, where);
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::CloudWatch::Alarm':
        return this.arnOf(name);
      case 'AWS::SQS::Queue':
        return `http://sqs.${region}.localhost/${account}/${this.physicalName(name)}`;
      case 'AWS::ApiGateway::RestApi':
      case 'AWS::ApiGateway::Resource':
      case 'AWS::ApiGateway::Deployment':
        return localId(name);
      case 'AWS::ApiGateway::Stage':
        return this.resolveString(resource.Properties?.StageName, `${name}.StageName`);
      default:
        // Tables, functions, roles, log groups, keys, policies: Ref is the physical name or id.
        return this.physicalName(name);
    }
  }

  private getAtt(logicalId: string, attribute: string, where: string): unknown {
    const resource = this.resource(logicalId, where);
    if (attribute === 'Arn') return this.arnOf(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        return this.streamArn(logicalId, resource, where);
      case 'AWS::SNS::Topic.TopicArn':
        return this.arnOf(logicalId);
      case 'AWS::SNS::Topic.TopicName':
      case 'AWS::StepFunctions::StateMachine.Name':
      case 'AWS::SQS::Queue.QueueName':
      case 'AWS::IAM::Role.RoleId':
        return this.physicalName(logicalId);
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId, where);
      case 'AWS::ApiGateway::RestApi.RootResourceId':
        return `${localId(logicalId)}-root`;
      case 'AWS::KMS::Key.KeyId':
        return this.physicalName(logicalId);
      default:
        throw new TemplateResolutionError(where, `Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) has no local value`);
    }
  }

  private streamArn(logicalId: string, resource: TemplateResource, where: string): string {
    const known = this.options.streamArns;
    if (!known) return `${this.arnOf(logicalId)}/stream/local`;
    const arn = known[logicalId];
    if (arn) return arn;
    const declared = resource.Properties?.StreamSpecification !== undefined;
    throw new TemplateResolutionError(
      where,
      declared
        ? `Fn::GetAtt ${logicalId}.StreamArn: the local table ${this.physicalName(logicalId)} has no stream in DynamoDB Local`
        : `Fn::GetAtt ${logicalId}.StreamArn: the table declares no StreamSpecification, so it has no stream`,
    );
  }

  private sub(arg: unknown, where: string): string {
    const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
      if (name in variables) return this.scalar(this.resolve(variables[name], `${where}.${name}`), where);
      const [logicalId, attribute] = name.split('.', 2);
      const value = attribute ? this.getAtt(logicalId!, attribute, where) : this.ref(name, where);
      return this.scalar(value, where);
    }).replace(/\$\{!/g, '${');
  }

  private condition(name: string, where: string): boolean {
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new TemplateResolutionError(where, `condition ${name} is not declared`);
    return this.evaluate(expression, `Conditions.${name}`) === true;
  }

  private evaluate(expression: unknown, where: string): unknown {
    if (expression && typeof expression === 'object' && !Array.isArray(expression)) {
      const [fn, arg] = Object.entries(expression as Record<string, unknown>)[0] ?? [];
      const args = Array.isArray(arg) ? arg : [arg];
      switch (fn) {
        case 'Fn::Equals':
          return JSON.stringify(this.resolve(args[0], where)) === JSON.stringify(this.resolve(args[1], where));
        case 'Fn::Not':
          return !this.evaluate(args[0], where);
        case 'Fn::And':
          return args.every((a) => this.evaluate(a, where) === true);
        case 'Fn::Or':
          return args.some((a) => this.evaluate(a, where) === true);
        case 'Condition':
          return this.condition(String(arg), where);
      }
    }
    return this.resolve(expression, where);
  }

  private scalar(value: unknown, where: string): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new TemplateResolutionError(where, `expected a string, got ${JSON.stringify(value)}`);
  }

  private resource(logicalId: string, where: string): TemplateResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new TemplateResolutionError(where, `refers to ${logicalId}, which the template does not declare`);
    return resource;
  }
}

/** API Gateway ids are 10 lowercase characters; derive a stable one from the logical id. */
function localId(logicalId: string): string {
  return createHash('sha256').update(logicalId).digest('hex').slice(0, 10);
}
