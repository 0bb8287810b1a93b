/**
 * The IAM roles of a synthesized template with their identity policies, every
 * intrinsic resolved to its local value (local/template/intrinsics.ts): the
 * role's inline `Policies`, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
 * resources attached to it, and the trust policy. Managed policies from
 * outside the template (AWS managed) cannot be read here and are listed apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntrinsicResolver, TemplateResolutionError, type IntrinsicResolverOptions, type Template, type TemplateResource } from '../../template/intrinsics';
import type { PolicyStatement } from './policy-evaluator';

export interface TemplateRole {
  readonly logicalId: string;
  readonly roleName: string;
  readonly arn: string;
  /** Every identity-policy statement of the role, resolved. */
  readonly statements: readonly PolicyStatement[];
  /** The trust policy (AssumeRolePolicyDocument), resolved. */
  readonly trust: readonly TrustStatement[];
  /** Managed policies the template attaches but does not declare (e.g. AWS managed): not evaluated. */
  readonly externalManagedPolicyArns: readonly string[];
}

export interface TrustStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | '*';
  readonly Condition?: PolicyStatement['Condition'];
}

interface PolicyDocument {
  readonly Statement?: unknown;
}

/** The stack's template as synthesized into the cloud assembly. */
export function readTemplate(outdir: string, stackName: string): Template {
  return JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8')) as Template;
}

/** Every AWS::IAM::Role of the template with its statements. */
export function loadTemplateRoles(template: Template, stackName: string, options: IntrinsicResolverOptions = {}): TemplateRole[] {
  const resolver = new IntrinsicResolver(template, stackName, options);
  const resources = Object.entries(template.Resources ?? {});
  const roleIds = resources.filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id]) => id);
  const roleNameOf = new Map(roleIds.map((id) => [id, resolver.physicalName(id)]));

  // Policies attached by `Roles: [{Ref: role}]`, collected per role name.
  const attached = new Map<string, PolicyStatement[]>();
  for (const [id, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = resolver.resolve(resource.Properties?.Roles ?? [], `${id}.Roles`);
    if (!Array.isArray(roles)) throw new TemplateResolutionError(`${id}.Roles`, 'must be a list');
    const statements = documentStatements(resolver, resource.Properties?.PolicyDocument, `${id}.PolicyDocument`);
    for (const roleName of roles) attached.set(String(roleName), [...(attached.get(String(roleName)) ?? []), ...statements]);
  }

  return roleIds.map((id) => {
    const resource = template.Resources![id]!;
    const roleName = roleNameOf.get(id)!;
    const props = resource.Properties ?? {};
    const inline = ((props.Policies ?? []) as { PolicyDocument?: unknown }[]).flatMap((policy, i) =>
      documentStatements(resolver, policy.PolicyDocument, `${id}.Policies[${i}].PolicyDocument`),
    );
    const { declared, external } = managedPolicies(resolver, resources, id, props.ManagedPolicyArns);
    return {
      logicalId: id,
      roleName,
      arn: resolver.arnOf(id),
      statements: [...inline, ...declared, ...(attached.get(roleName) ?? [])],
      trust: documentStatements<TrustStatement>(resolver, props.AssumeRolePolicyDocument, `${id}.AssumeRolePolicyDocument`),
      externalManagedPolicyArns: external,
    };
  });
}

/** The one role whose logical id starts with the prefix (the construct path, e.g. `StoreApiStoreSystemsRole`). */
export function templateRole(roles: readonly TemplateRole[], logicalIdPrefix: string): TemplateRole {
  const found = roles.filter((role) => role.logicalId.startsWith(logicalIdPrefix));
  if (found.length !== 1) {
    throw new Error(`${found.length === 0 ? 'no' : `${found.length}`} role(s) of the template have a logical id starting with '${logicalIdPrefix}'${found.length > 1 ? `: ${found.map((r) => r.logicalId).join(', ')}` : ''}`);
  }
  return found[0]!;
}

/** `ManagedPolicyArns`: a `Ref` to a ManagedPolicy of the template is read; any other ARN is external. */
function managedPolicies(resolver: IntrinsicResolver, resources: [string, TemplateResource][], roleId: string, arns: unknown): { declared: PolicyStatement[]; external: string[] } {
  const declared: PolicyStatement[] = [];
  const external: string[] = [];
  for (const [i, arn] of ((arns ?? []) as unknown[]).entries()) {
    const ref = typeof arn === 'object' && arn !== null && 'Ref' in arn ? String(arn.Ref) : undefined;
    const policy = ref === undefined ? undefined : resources.find(([id, r]) => id === ref && r.Type === 'AWS::IAM::ManagedPolicy');
    // A template ManagedPolicy that also names the role in its Roles is read once, from there.
    if (policy) {
      const roles = (policy[1].Properties?.Roles ?? []) as unknown[];
      if (!roles.some((r) => typeof r === 'object' && r !== null && (r as { Ref?: unknown }).Ref === roleId)) {
        declared.push(...documentStatements(resolver, policy[1].Properties?.PolicyDocument, `${policy[0]}.PolicyDocument`));
      }
    } else {
      external.push(resolver.resolveString(arn, `${roleId}.ManagedPolicyArns[${i}]`));
    }
  }
  return { declared, external };
}

function documentStatements<T = PolicyStatement>(resolver: IntrinsicResolver, document: unknown, where: string): T[] {
  if (document === undefined) return [];
  const statement = (resolver.resolve(document, where) as PolicyDocument).Statement ?? [];
  return (Array.isArray(statement) ? statement : [statement]) as T[];
}
