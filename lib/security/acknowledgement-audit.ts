import { Validations, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { NagPack } from 'cdk-nag';

/** The rule-id prefixes of the packs this audit covers; acknowledgements of other validations are not its business. */
const AUDITED_PREFIXES = ['AwsSolutions-', 'Serverless-'];

interface Acknowledgement {
  readonly constructPath: string;
  readonly ruleId: string;
}

/**
 * A validation plugin that fails the synthesis when an acknowledgement of a
 * cdk-nag finding (`Validations.of(x).acknowledge({ id: 'AwsSolutions-…' })`)
 * no longer matches any finding: a fixed resource, a renamed rule or a moved
 * construct would otherwise leave a stale excuse that silently covers the next
 * real finding. It runs the same packs again, recording which acknowledgement
 * each finding was matched against (cdk-nag 3 matches a finding against the
 * acknowledgements of the resource and its ancestors).
 */
export class AcknowledgementAudit implements IPolicyValidationPlugin {
  public readonly name = 'AcknowledgementAudit';

  constructor(private readonly packs: () => NagPack[]) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const stale = staleAcknowledgements(context.appConstruct, this.packs());
    return {
      success: stale.length === 0,
      violations: stale.map((a) => ({
        ruleName: 'StaleAcknowledgement',
        description: `The acknowledgement of ${a.ruleId} on ${a.constructPath} matches no finding any more: remove it.`,
        severity: 'error',
        violatingResources: [{ constructPath: a.constructPath, locations: ['Metadata'] }],
      })),
    };
  }
}

/** The audited acknowledgements under `root` that no finding of the packs was matched against. */
export function staleAcknowledgements(root: IConstruct, packs: readonly NagPack[]): Acknowledgement[] {
  const used = new Set<string>();
  for (const pack of packs) {
    // cdk-nag asks its private isAcknowledged(resource, ruleId) for each finding; answering it here
    // (with the same walk up the tree) records which acknowledgement matched.
    const instrumented = pack as unknown as { isAcknowledged: (resource: IConstruct, ruleId: string) => boolean };
    instrumented.isAcknowledged = (resource, ruleId) => {
      for (let current: IConstruct | undefined = resource; current; current = current.node.scope) {
        if (acknowledgedIds(current).includes(ruleId)) {
          used.add(key({ constructPath: current.node.path, ruleId }));
          return true;
        }
      }
      return false;
    };
    pack.validateScope(root);
  }
  return root.node
    .findAll()
    .flatMap((c) => acknowledgedIds(c).map((ruleId) => ({ constructPath: c.node.path, ruleId })))
    .filter((a) => AUDITED_PREFIXES.some((p) => a.ruleId.startsWith(p)) && !used.has(key(a)));
}

function acknowledgedIds(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data)
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>).map((k) => k.replace(/^annotation::/i, '')));
}

const key = (a: Acknowledgement) => `${a.constructPath}|${a.ruleId}`;
