/**
 * Waiting for the directory's provisioning (functions/notifications) in the
 * local cloud, and counting what it made against the SNS quotas — through the
 * SNS API, as one would count it in an AWS account.
 */
import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { batchGetAll } from '../../functions/repository/document-client';
import { fromItem, key } from '../../functions/repository/table-layout';
import type { ProvisioningRecord } from '../../functions/notifications/provisioning/tandem-provisioner';
import { LOCAL_AWS } from '../runtime/contracts';
import type { LocalCloud } from '../runtime/local-cloud';

/**
 * Provisions the named tandems in this local cloud and resolves with their
 * records: waits for the stream (the seeded directory's tandems), then invokes
 * ProvisionTandem directly, which is a no-op for what the stream provisioned
 * and completes the rest — e.g. after a restart, when DynamoDB Local kept the
 * directory but the in-memory SNS starts empty.
 */
export async function awaitTandemsProvisioned(cloud: Pick<LocalCloud, 'streams' | 'tableContext' | 'lambda' | 'model'>, territoryIds: readonly string[], timeoutMs = 120_000): Promise<ProvisioningRecord[]> {
  await cloud.streams.idle({ timeoutMs });
  const provisioner = cloud.model.functions.find((f) => f.logicalId.startsWith('DirectoryProvisionTandem') && !f.logicalId.startsWith('DirectoryProvisionTandemNow'));
  if (!provisioner) throw new Error('the stack has no ProvisionTandem function');
  const result = await cloud.lambda.invoke(provisioner.arn, { territoryIds });
  if (result.functionError) throw new Error(`ProvisionTandem failed: ${JSON.stringify(result.payload)}`);
  const ctx = cloud.tableContext();
  const records = (await batchGetAll(ctx, territoryIds.map((id) => key.provisioning(id)))).map((item) => fromItem<ProvisioningRecord>(item));
  const missing = territoryIds.filter((id) => !records.some((r) => r.territoryId === id && r.status === 'PROVISIONED'));
  if (missing.length > 0) {
    const failed = records.filter((r) => r.status === 'FAILED').map((r) => `${r.territoryId}: ${r.error ?? ''}`);
    throw new Error(`${missing.length} tandem(s) not provisioned (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})${failed.length ? `; failed: ${failed.slice(0, 3).join('; ')}` : ''}`);
  }
  return records;
}

/** SNS quotas that bound the design (docs/notifications.md), with their sources. */
export const SNS_QUOTAS = {
  /** Standard topics per account (SNS endpoints and quotas). */
  topicsPerAccount: 100_000,
  /** Subscriptions per standard topic. */
  subscriptionsPerTopic: 12_500_000,
  /** Filter policies per topic. */
  filterPoliciesPerTopic: 200,
} as const;

export interface QuotaReport {
  readonly topics: number;
  readonly subscriptions: number;
  readonly maxSubscriptionsPerTopic: number;
  readonly maxFilterPoliciesPerTopic: number;
  readonly pending: number;
  readonly confirmed: number;
}

/** Counts the tandem topics (by prefix), their subscriptions and filter policies. */
export async function countTandemResources(cloud: Pick<LocalCloud, 'awsEndpoint'>, topicArnPrefix: string): Promise<QuotaReport> {
  const sns = new SNSClient({ endpoint: cloud.awsEndpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
  try {
    const topics: string[] = [];
    let next: string | undefined;
    do {
      const page = await sns.send(new ListTopicsCommand({ NextToken: next }));
      topics.push(...(page.Topics ?? []).flatMap((t) => (t.TopicArn?.startsWith(topicArnPrefix) ? [t.TopicArn] : [])));
      next = page.NextToken;
    } while (next);
    let subscriptions = 0;
    let maxSubscriptions = 0;
    let maxFilters = 0;
    let pending = 0;
    for (const topicArn of topics) {
      const subs: Subscription[] = [];
      let token: string | undefined;
      do {
        const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
        subs.push(...(page.Subscriptions ?? []));
        token = page.NextToken;
      } while (token);
      let filters = 0;
      for (const s of subs) {
        if (!s.SubscriptionArn || s.SubscriptionArn === 'PendingConfirmation') {
          pending++;
          filters++; // set at Subscribe; a pending subscription's attributes cannot be read by ARN from a listing
          continue;
        }
        const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }));
        if (Attributes?.FilterPolicy) filters++;
      }
      subscriptions += subs.length;
      maxSubscriptions = Math.max(maxSubscriptions, subs.length);
      maxFilters = Math.max(maxFilters, filters);
    }
    return { topics: topics.length, subscriptions, maxSubscriptionsPerTopic: maxSubscriptions, maxFilterPoliciesPerTopic: maxFilters, pending, confirmed: subscriptions - pending };
  } finally {
    sns.destroy();
  }
}

export function formatQuotaReport(report: QuotaReport, tandems: number): string {
  const row = (label: string, value: number, quota: number) => `  ${label.padEnd(36)} ${String(value).padStart(6)}  of ${quota.toLocaleString('en')}  ${value <= quota ? 'ok' : 'OVER QUOTA'}`;
  return [
    `SNS for ${tandems} tandems (a topic per tandem, a filtered email subscription per person, SMS straight to numbers)`,
    row('topics (per account)', report.topics, SNS_QUOTAS.topicsPerAccount),
    row('subscriptions, most on one topic', report.maxSubscriptionsPerTopic, SNS_QUOTAS.subscriptionsPerTopic),
    row('filter policies, most on one topic', report.maxFilterPoliciesPerTopic, SNS_QUOTAS.filterPoliciesPerTopic),
    `  email subscriptions in all          ${String(report.subscriptions).padStart(6)}  (${report.confirmed} confirmed, ${report.pending} pending)`,
    '  CloudFormation resources per person      0  (of 500 per stack: nothing per person is a stack resource)',
  ].join('\n');
}
