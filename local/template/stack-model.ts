/**
 * Reads a synthesized stack from a cloud assembly (cdk.out) and yields what the
 * local runtime runs: tables, Lambda functions (bundled code and resolved
 * environment), SNS topics and subscriptions, state machines (resolved ASL) and
 * REST API routes. Nothing here knows the product's or a fixture's names.
 */
import { readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import type {
  AslDefinition,
  LocalApiSpec,
  LocalEventSourceMappingSpec,
  LocalFunctionSpec,
  LocalRouteSpec,
  LocalStackModel,
  LocalStateMachineSpec,
  LocalSubscriptionSpec,
  LocalTableSpec,
  LocalTopicSpec,
} from '../runtime/contracts';
import { compileFilterCriteria } from '../runtime/streams/filter-criteria';
import { IntrinsicResolver, TemplateResolutionError, type IntrinsicResolverOptions, type Template, type TemplateResource } from './intrinsics';

/** Lambda's defaults when the template does not say. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const LAMBDA_DEFAULT_MEMORY_MB = 128;

interface AssetManifest {
  readonly files?: Record<string, { source: { path?: string; packaging?: string } }>;
}

/** `options.streamArns`: the tables' stream ARNs in DynamoDB Local (see IntrinsicResolverOptions). */
export function loadStackModel(outdir: string, stackName: string, options: IntrinsicResolverOptions = {}): LocalStackModel {
  const template = readJson<Template>(join(outdir, `${stackName}.template.json`));
  const assets = readJson<AssetManifest>(join(outdir, `${stackName}.assets.json`));
  return buildStackModel(template, stackName, { outdir, assets, ...options });
}

export function buildStackModel(
  template: Template,
  stackName: string,
  context: { outdir: string; assets: AssetManifest } & IntrinsicResolverOptions,
): LocalStackModel {
  const resolver = new IntrinsicResolver(template, stackName, context.streamArns ? { streamArns: context.streamArns } : {});
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (...types: string[]) => resources.filter(([, r]) => types.includes(r.Type));

  const tables: LocalTableSpec[] = ofType('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(([id]) => ({
    logicalId: id,
    tableName: resolver.physicalName(id),
    arn: resolver.arnOf(id),
  }));

  const functions = ofType('AWS::Lambda::Function').map(([id, r]) => toFunction(resolver, id, r, context));

  const topics: LocalTopicSpec[] = ofType('AWS::SNS::Topic').map(([id, r]) => ({
    logicalId: id,
    topicName: resolver.physicalName(id),
    arn: resolver.arnOf(id),
    fifo: r.Properties?.FifoTopic === true || r.Properties?.FifoTopic === 'true',
  }));

  const subscriptions = ofType('AWS::SNS::Subscription').map(([id, r]) => toSubscription(resolver, id, r));
  const stateMachines = ofType('AWS::StepFunctions::StateMachine').map(([id, r]) => toStateMachine(resolver, id, r));
  const apis = ofType('AWS::ApiGateway::RestApi').map(([id]) => toApi(resolver, id, resources));
  const eventSourceMappings = ofType('AWS::Lambda::EventSourceMapping').map(([id, r]) =>
    toEventSourceMapping(resolver, id, r, { tables, functions }),
  );

  return { stackName, tables, functions, topics, subscriptions, stateMachines, apis, eventSourceMappings };
}

/** Properties of AWS::Lambda::EventSourceMapping that do not change what a DynamoDB stream mapping does locally. */
const IGNORED_MAPPING_PROPERTIES = new Set(['Tags', 'MetricsConfig', 'KmsKeyArn', 'LoggingConfig', 'ProvisionedPollerConfig']);
const MAPPING_PROPERTIES = new Set([
  ...IGNORED_MAPPING_PROPERTIES,
  'FunctionName',
  'EventSourceArn',
  'Enabled',
  'StartingPosition',
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'ParallelizationFactor',
  'FunctionResponseTypes',
  'FilterCriteria',
  'DestinationConfig',
]);

/**
 * A DynamoDB stream → Lambda mapping with Lambda's defaults; any other event
 * source, and any setting the local cloud would not honour (tumbling windows,
 * AT_TIMESTAMP, …), is refused naming the resource and property.
 */
function toEventSourceMapping(
  resolver: IntrinsicResolver,
  id: string,
  resource: TemplateResource,
  stack: { tables: readonly LocalTableSpec[]; functions: readonly LocalFunctionSpec[] },
): LocalEventSourceMappingSpec {
  const props = resource.Properties ?? {};
  const unsupported = Object.keys(props).find((name) => !MAPPING_PROPERTIES.has(name));
  if (unsupported) throw new TemplateResolutionError(`${id}.${unsupported}`, 'is not supported by the local runtime (DynamoDB stream mappings only)');
  const value = (name: string): unknown => resolver.resolve(props[name], `${id}.${name}`);

  const eventSourceArn = resolver.resolveString(props.EventSourceArn, `${id}.EventSourceArn`);
  const tableName = /^arn:[\w-]+:dynamodb:[\w-]+:\d+:table\/([^/]+)\/stream\/.+$/.exec(eventSourceArn)?.[1];
  const table = stack.tables.find((t) => t.tableName === tableName);
  if (!table) {
    throw new TemplateResolutionError(`${id}.EventSourceArn`, `${eventSourceArn} is not the stream of one of the stack's tables (the local cloud runs DynamoDB stream mappings only)`);
  }

  const functionRef = resolver.resolveString(props.FunctionName, `${id}.FunctionName`);
  const fn = stack.functions.find((f) => f.functionName === functionRef || f.arn === functionRef || f.arn.endsWith(`:${functionRef}`));
  if (!fn) throw new TemplateResolutionError(`${id}.FunctionName`, `${functionRef} is not one of the stack's functions`);

  const startingPosition = value('StartingPosition');
  if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST') {
    throw new TemplateResolutionError(`${id}.StartingPosition`, `must be TRIM_HORIZON or LATEST for a DynamoDB stream, got ${JSON.stringify(startingPosition)}`);
  }
  const responseTypes = (value('FunctionResponseTypes') ?? []) as unknown[];
  const unknownType = responseTypes.find((type) => type !== 'ReportBatchItemFailures');
  if (unknownType !== undefined) throw new TemplateResolutionError(`${id}.FunctionResponseTypes`, `unknown response type ${JSON.stringify(unknownType)}`);

  const filters = ((value('FilterCriteria') as { Filters?: { Pattern?: unknown }[] } | undefined)?.Filters ?? []).map((filter, i) => {
    if (typeof filter.Pattern !== 'string') throw new TemplateResolutionError(`${id}.FilterCriteria.Filters[${i}].Pattern`, 'must be a JSON string');
    return filter.Pattern;
  });
  try {
    compileFilterCriteria(filters);
  } catch (error) {
    throw new TemplateResolutionError(`${id}.FilterCriteria`, error instanceof Error ? error.message : String(error));
  }

  const destination = (value('DestinationConfig') as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
  if (destination !== undefined && (typeof destination !== 'string' || !/^arn:[\w-]+:(sqs|sns):/.test(destination))) {
    throw new TemplateResolutionError(`${id}.DestinationConfig.OnFailure.Destination`, `must be an SQS queue or SNS topic ARN, got ${JSON.stringify(destination)}`);
  }

  const number = (name: string, fallback: number, valid: (n: number) => boolean, range: string): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || !valid(n)) throw new TemplateResolutionError(`${id}.${name}`, `must be ${range}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const flag = (name: string): boolean => {
    const raw = value(name);
    return raw === true || raw === 'true';
  };
  return {
    logicalId: id,
    functionName: fn.functionName,
    eventSourceArn,
    tableName: table.tableName,
    enabled: value('Enabled') === undefined || flag('Enabled'),
    startingPosition,
    batchSize: number('BatchSize', 100, (n) => n >= 1 && n <= 10_000, 'an integer from 1 to 10,000'),
    maximumBatchingWindowSeconds: number('MaximumBatchingWindowInSeconds', 0, (n) => n >= 0 && n <= 300, 'an integer from 0 to 300'),
    bisectBatchOnFunctionError: flag('BisectBatchOnFunctionError'),
    maximumRetryAttempts: number('MaximumRetryAttempts', -1, (n) => n >= -1 && n <= 10_000, 'an integer from -1 to 10,000'),
    maximumRecordAgeSeconds: number('MaximumRecordAgeInSeconds', -1, (n) => n === -1 || (n >= 60 && n <= 604_800), '-1 or an integer from 60 to 604,800'),
    parallelizationFactor: number('ParallelizationFactor', 1, (n) => n >= 1 && n <= 10, 'an integer from 1 to 10'),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    filterPatterns: filters,
    ...(destination === undefined ? {} : { onFailureDestination: destination }),
  };
}

function toFunction(
  resolver: IntrinsicResolver,
  id: string,
  resource: TemplateResource,
  context: { outdir: string; assets: AssetManifest },
): LocalFunctionSpec {
  const props = resource.Properties ?? {};
  const code = (props.Code ?? {}) as Record<string, unknown>;
  if (code.ZipFile !== undefined) throw new TemplateResolutionError(`${id}.Code`, 'inline ZipFile code is not supported locally');
  const s3Key = resolver.resolveString(code.S3Key, `${id}.Code.S3Key`);
  const hash = s3Key.replace(/\.zip$/, '');
  const source = context.assets.files?.[hash]?.source;
  if (!source?.path) throw new TemplateResolutionError(`${id}.Code.S3Key`, `asset ${hash} is not in the cloud assembly's asset manifest`);
  const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {});
  const environment = Object.fromEntries(
    Object.entries(variables)
      .map(([name, value]) => [name, resolver.resolve(value, `${id}.Environment.Variables.${name}`)] as const)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
  return {
    logicalId: id,
    functionName: resolver.physicalName(id),
    arn: resolver.arnOf(id),
    codeDir: resolvePath(context.outdir, source.path),
    handler: resolver.resolveString(props.Handler, `${id}.Handler`),
    runtime: resolver.resolveString(props.Runtime, `${id}.Runtime`),
    timeoutSeconds: Number(props.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS),
    memoryMb: Number(props.MemorySize ?? LAMBDA_DEFAULT_MEMORY_MB),
    environment,
    ...(props.Role === undefined ? {} : { roleArn: resolver.resolveString(props.Role, `${id}.Role`) }),
  };
}

function toSubscription(resolver: IntrinsicResolver, id: string, resource: TemplateResource): LocalSubscriptionSpec {
  const props = resource.Properties ?? {};
  const filterPolicy = resolver.resolve(props.FilterPolicy, `${id}.FilterPolicy`);
  const scope = props.FilterPolicyScope as LocalSubscriptionSpec['filterPolicyScope'] | undefined;
  const raw = resolver.resolve(props.RawMessageDelivery, `${id}.RawMessageDelivery`);
  return {
    logicalId: id,
    topicArn: resolver.resolveString(props.TopicArn, `${id}.TopicArn`),
    protocol: resolver.resolveString(props.Protocol, `${id}.Protocol`),
    endpoint: resolver.resolveString(props.Endpoint, `${id}.Endpoint`),
    ...(filterPolicy === undefined ? {} : { filterPolicy: filterPolicy as Record<string, unknown> }),
    ...(scope ? { filterPolicyScope: scope } : {}),
    ...(raw === undefined ? {} : { rawMessageDelivery: raw === true || raw === 'true' }),
  };
}

function toStateMachine(resolver: IntrinsicResolver, id: string, resource: TemplateResource): LocalStateMachineSpec {
  const props = resource.Properties ?? {};
  let definition: unknown;
  if (props.DefinitionString !== undefined) {
    const text = resolver.resolveString(props.DefinitionString, `${id}.DefinitionString`);
    definition = parseJson(text, `${id}.DefinitionString`);
  } else if (props.Definition !== undefined) {
    definition = resolver.resolve(props.Definition, `${id}.Definition`);
  } else {
    throw new TemplateResolutionError(id, 'a state machine needs DefinitionString or Definition');
  }
  const substitutions = resolver.resolve(props.DefinitionSubstitutions ?? {}, `${id}.DefinitionSubstitutions`) as Record<string, unknown>;
  if (Object.keys(substitutions).length > 0) {
    const text = JSON.stringify(definition).replace(/\$\{([^}]+)\}/g, (match, name: string) =>
      name in substitutions ? String(substitutions[name]) : match,
    );
    definition = parseJson(text, `${id}.DefinitionSubstitutions`);
  }
  const asl = definition as AslDefinition;
  if (typeof asl.StartAt !== 'string' || typeof asl.States !== 'object') {
    throw new TemplateResolutionError(`${id}.DefinitionString`, 'the definition has no StartAt or States');
  }
  const type = (props.StateMachineType as string | undefined) ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new TemplateResolutionError(`${id}.StateMachineType`, `unknown type ${type}`);
  return {
    logicalId: id,
    name: resolver.physicalName(id),
    arn: resolver.arnOf(id),
    type,
    ...(props.RoleArn === undefined ? {} : { roleArn: resolver.resolveString(props.RoleArn, `${id}.RoleArn`) }),
    definition: asl,
  };
}

function toApi(resolver: IntrinsicResolver, apiId: string, resources: [string, TemplateResource][]): LocalApiSpec {
  const restApiId = resolver.resolveString({ Ref: apiId }, `${apiId}.Ref`);
  const rootId = resolver.resolveString({ 'Fn::GetAtt': [apiId, 'RootResourceId'] }, `${apiId}.RootResourceId`);
  const belongs = (r: TemplateResource, id: string) =>
    resolver.resolve(r.Properties?.RestApiId, `${id}.RestApiId`) === restApiId;

  // Resource id → full path, built by walking each resource's ParentId up to the root.
  const parents = new Map<string, { parentId: string; pathPart: string }>();
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::ApiGateway::Resource' || !belongs(r, id)) continue;
    parents.set(resolver.resolveString({ Ref: id }, id), {
      parentId: resolver.resolveString(r.Properties?.ParentId, `${id}.ParentId`),
      pathPart: resolver.resolveString(r.Properties?.PathPart, `${id}.PathPart`),
    });
  }
  const pathOf = (resourceId: string, where: string, depth = 0): string => {
    if (resourceId === rootId) return '';
    const node = parents.get(resourceId);
    if (!node || depth > 50) throw new TemplateResolutionError(where, `API resource ${resourceId} does not lead to the API's root`);
    return `${pathOf(node.parentId, where, depth + 1)}/${node.pathPart}`;
  };

  const routes: LocalRouteSpec[] = resources
    .filter(([id, r]) => r.Type === 'AWS::ApiGateway::Method' && belongs(r, id))
    .map(([id, r]) => {
      const props = r.Properties ?? {};
      const integration = (resolver.resolve(props.Integration ?? {}, `${id}.Integration`) ?? {}) as Record<string, unknown>;
      const uri = typeof integration.Uri === 'string' ? integration.Uri : '';
      const functionArn = /functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1];
      const path = pathOf(resolver.resolveString(props.ResourceId, `${id}.ResourceId`), `${id}.ResourceId`) || '/';
      return {
        method: resolver.resolveString(props.HttpMethod, `${id}.HttpMethod`).toUpperCase(),
        path,
        authorization: props.AuthorizationType === undefined ? 'NONE' : resolver.resolveString(props.AuthorizationType, `${id}.AuthorizationType`),
        integrationType: integration.Type === undefined ? 'MOCK' : resolver.resolveString(integration.Type, `${id}.Integration.Type`),
        ...(functionArn ? { functionArn } : {}),
      };
    });

  const stage = resources.find(([id, r]) => r.Type === 'AWS::ApiGateway::Stage' && belongs(r, id));
  return {
    logicalId: apiId,
    restApiId,
    name: resolver.physicalName(apiId),
    stageName: stage ? resolver.resolveString(stage[1].Properties?.StageName, `${stage[0]}.StageName`) : 'prod',
    routes,
  };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemplateResolutionError(where, `is not valid JSON after resolution (${(error as Error).message})`);
  }
}
