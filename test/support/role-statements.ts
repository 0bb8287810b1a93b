/**
 * Every IAM role of a synthesized template with the identity-policy statements
 * attached to it (inline `Policies` and `AWS::IAM::Policy` resources naming it),
 * in their template form: actions as strings, resources as written (intrinsics
 * unresolved), for listing and comparing them.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface TemplateStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** `Resource` values, or `NotResource` values when `not` is true. */
  readonly resources: readonly unknown[];
  readonly notResource: boolean;
  readonly conditions?: Record<string, unknown>;
}

export interface TemplateRole {
  readonly logicalId: string;
  /** The service that assumes it, e.g. `lambda.amazonaws.com`, or `account` for a role people or systems assume. */
  readonly assumedBy: string;
  readonly statements: readonly TemplateStatement[];
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function statementsOf(document: unknown): TemplateStatement[] {
  const statements = list((document as { Statement?: unknown } | undefined)?.Statement) as Record<string, unknown>[];
  return statements.map((s) => ({
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: list(s.Action ?? s.NotAction).map(String),
    resources: list(s.Resource ?? s.NotResource),
    notResource: s.NotResource !== undefined,
    ...(s.Condition ? { conditions: s.Condition as Record<string, unknown> } : {}),
  }));
}

function assumedBy(role: Resource): string {
  const trust = statementsOf(role.Properties?.AssumeRolePolicyDocument)[0];
  const principal = (role.Properties?.AssumeRolePolicyDocument as { Statement: { Principal?: { Service?: unknown } }[] }).Statement[0]?.Principal;
  const service = principal?.Service;
  return trust && typeof service === 'string' ? service : 'account';
}

export function templateRoles(template: Template): TemplateRole[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const roles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  return roles.map(([logicalId, role]) => {
    const inline = list(role.Properties?.Policies).flatMap((p) => statementsOf((p as { PolicyDocument: unknown }).PolicyDocument));
    const attached = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && list(r.Properties?.Roles).some((ref) => (ref as { Ref?: string }).Ref === logicalId))
      .flatMap((r) => statementsOf(r.Properties?.PolicyDocument));
    return { logicalId, assumedBy: assumedBy(role), statements: [...inline, ...attached] };
  });
}

/** A resource as one line: `Fn::GetAtt` and `Ref` shown as the logical id they name, `Fn::Join` joined. */
export function showResource(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['Fn::GetAtt'])) return `${String((v['Fn::GetAtt'] as unknown[])[0])}.${String((v['Fn::GetAtt'] as unknown[])[1])}`;
    if (typeof v.Ref === 'string') return v.Ref.startsWith('AWS::') ? `\${${v.Ref}}` : v.Ref;
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(showResource).join(separator);
    }
  }
  return JSON.stringify(value);
}
