/**
 * What `DescribeStacks` tells about the stack the local cloud runs: its name,
 * id and outputs, each output's value resolved from the synthesized template
 * to what it is on this machine (a state machine's local ARN, the table's
 * local name, the API URL → the local API endpoint). Tools find a stage the
 * AWS way, by its stack outputs, so the same lookup works locally and deployed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntrinsicResolver, type IntrinsicResolverOptions, type Template } from '../../template/intrinsics';

export interface LocalStackOutput {
  readonly key: string;
  readonly value: string;
  readonly description?: string;
  readonly exportName?: string;
}

export interface LocalStack {
  readonly stackName: string;
  readonly stackId: string;
  readonly description?: string;
  readonly creationTime: Date;
  readonly outputs: readonly LocalStackOutput[];
}

type TemplateWithOutputs = Template & {
  readonly Description?: string;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string; Export?: { Name: unknown }; Condition?: string }>;
};

/**
 * Reads the stack's outputs from the cloud assembly. `localize` maps a resolved value to its local form
 * (the local cloud passes its API-URL rewrite). An output that cannot be resolved is an error naming it.
 */
export function describeLocalStack(
  outdir: string,
  stackName: string,
  options: IntrinsicResolverOptions & { localize?: (value: string) => string } = {},
): LocalStack {
  const template = JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8')) as TemplateWithOutputs;
  const resolver = new IntrinsicResolver(template, stackName, options.streamArns ? { streamArns: options.streamArns } : {});
  const localize = options.localize ?? ((value: string) => value);
  const outputs: LocalStackOutput[] = [];
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    // A conditional output exists only when its condition holds, as in CloudFormation.
    if (output.Condition !== undefined && resolver.resolve({ 'Fn::If': [output.Condition, true, false] }, `Outputs.${key}`) !== true) continue;
    outputs.push({
      key,
      value: localize(resolver.resolveString(output.Value, `Outputs.${key}.Value`)),
      ...(output.Description === undefined ? {} : { description: output.Description }),
      ...(output.Export === undefined ? {} : { exportName: resolver.resolveString(output.Export.Name, `Outputs.${key}.Export.Name`) }),
    });
  }
  return {
    stackName,
    stackId: resolver.resolveString({ Ref: 'AWS::StackId' }, 'AWS::StackId'),
    ...(template.Description === undefined ? {} : { description: template.Description }),
    creationTime: new Date(),
    outputs,
  };
}
