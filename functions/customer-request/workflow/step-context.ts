/**
 * What the workflow's step functions share: SDK clients built once per
 * container, and their configuration read from the environment the
 * CustomerRequestWorkflow construct sets (each function gets only what it uses,
 * so each value is read on first use, not at import).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient, type TableContext } from '../../repository/document-client';
import { requiredEnv } from '../../shared/environment';
import { TandemNotifier } from './tandem-notifier';

let table: TableContext | undefined;
let notifier: TandemNotifier | undefined;
let sfn: SFNClient | undefined;

export function tableContext(): TableContext {
  table ??= { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };
  return table;
}

export function tandemNotifier(): TandemNotifier {
  notifier ??= new TandemNotifier(tableContext(), new SNSClient({}), requiredEnv('TANDEM_TOPIC_ARN_PREFIX'), () => new Date(), process.env.SMS_MAX_PRICE_USD ?? '0.50');
  return notifier;
}

export function stepFunctions(): SFNClient {
  sfn ??= new SFNClient({});
  return sfn;
}

/** A positive number from the environment, or the default when unset. */
export function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`environment variable ${name} must be a positive number, got ${raw}`);
  return value;
}

/** The link a person opens to answer a decision task. */
export function decisionLink(ref: string): string {
  return `${requiredEnv('DECISION_LINK_BASE').replace(/\/+$/, '')}/tasks/${ref}`;
}
