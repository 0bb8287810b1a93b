/**
 * What each `tandem` command does against a connected stage: the public API
 * (SigV4-signed store routes, the unsigned decision link), Step Functions
 * (executions, their path) and the table (a request's open decision, the
 * notifications log). Each prints lines for people, or JSON with --json.
 */
import { readFile } from 'node:fs/promises';
import { ListExecutionsCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { executionNameFor } from '../../functions/customer-request/domain/submission';
import { DynamoEscalationRepository } from '../../functions/repository/escalation-repository';
import { executionArnOf, executionPath } from '../execution-path';
import { OpsError } from '../ops-error';
import { entryVersion, readOutbox, type OutboxEntry, type OutboxScope } from '../outbox-log';
import type { StageConnection } from '../stage';
import { StoreApi } from '../store-api';
import type { RequestView } from '../story-scenario';
import type { Command } from './args';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
  /** Ends `outbox --follow` (Ctrl-C in a terminal). */
  readonly signal?: AbortSignal;
  /** How often `outbox --follow` reads the log again. */
  readonly followIntervalMs?: number;
}

type StageCommand = Exclude<Command, { name: 'help' }>;

export async function runCommand(command: StageCommand, stage: StageConnection, io: CliIo): Promise<void> {
  const api = new StoreApi({ apiUrl: stage.apiUrl, region: stage.region, credentials: stage.credentials });
  const table = { doc: stage.doc, tableName: stage.tableName };
  switch (command.name) {
    case 'submit': {
      // The body goes as written: the API validates it and names each bad field.
      const body = command.source === '-' ? await io.readStdin() : await readSource(command.source);
      const response = await api.call<{ requestId: string; status: string; statusUrl: string }>('POST', '/requests', body);
      if (command.json) io.out(JSON.stringify(response.body));
      else io.out(`${response.status} ${response.body.status} ${response.body.requestId} → ${response.body.statusUrl}`);
      return;
    }
    case 'request': {
      const response = await api.call<RequestView>('GET', `/requests/${encodeURIComponent(command.requestId)}`);
      const workflow = stage.workflows.find((w) => w.name === 'CustomerRequests');
      const execution = workflow ? await executionPath(stage.sfn, executionArnOf(workflow.stateMachineArn, executionNameFor(command.requestId))) : undefined;
      if (command.json) io.out(JSON.stringify({ ...response.body, execution: execution ?? null }));
      else printRequest(response.body, execution, io);
      return;
    }
    case 'executions': {
      const workflows = command.workflow ? stage.workflows.filter((w) => w.name.toLowerCase() === command.workflow!.toLowerCase()) : stage.workflows;
      if (workflows.length === 0) throw new OpsError(`stage ${stage.stage} has no workflow '${command.workflow}'; it has ${stage.workflows.map((w) => w.name).join(', ')}`);
      const rows: (ExecutionListItem & { workflow: string })[] = [];
      for (const workflow of workflows) {
        const page = await stage.sfn.send(
          new ListExecutionsCommand({ stateMachineArn: workflow.stateMachineArn, maxResults: command.limit, ...(command.status ? { statusFilter: command.status } : {}) }),
        );
        rows.push(...(page.executions ?? []).map((e) => ({ ...e, workflow: workflow.name })));
      }
      rows.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0)).splice(command.limit);
      if (command.json) {
        io.out(JSON.stringify(rows.map((r) => ({ workflow: r.workflow, name: r.name, status: r.status, startDate: r.startDate, stopDate: r.stopDate, executionArn: r.executionArn }))));
        return;
      }
      if (rows.length === 0) io.out(`no executions${command.status ? ` with status ${command.status}` : ''} in ${workflows.map((w) => w.name).join(', ')}`);
      for (const r of rows) {
        io.out(`${r.workflow.padEnd(16)} ${(r.status ?? '').padEnd(10)} ${iso(r.startDate)}  ${r.stopDate ? iso(r.stopDate) : '…'.padEnd(24)}  ${r.name ?? ''}`);
      }
      return;
    }
    case 'decide': {
      let refOrLink: string;
      if ('requestId' in command.target) {
        const escalation = await new DynamoEscalationRepository(table).getEscalation(command.target.requestId);
        if (escalation?.status !== 'OPEN') throw new OpsError(`request ${command.target.requestId} has no open decision`);
        refOrLink = escalation.ref;
      } else {
        refOrLink = command.target.refOrLink;
      }
      const response = await api.decide<Record<string, unknown>>(refOrLink, command.answer);
      io.out(command.json ? JSON.stringify(response.body) : `${response.status} ${summary(response.body)}`);
      return;
    }
    case 'outbox': {
      const scope: OutboxScope = 'sinceMinutes' in command.scope ? { since: new Date(Date.now() - command.scope.sinceMinutes * 60_000), limit: command.scope.limit } : command.scope;
      const shown = new Set<string>();
      const show = (entries: readonly OutboxEntry[]) => {
        for (const entry of entries) {
          const version = entryVersion(entry);
          if (shown.has(version)) continue;
          shown.add(version);
          io.out(command.json ? JSON.stringify(entry) : outboxLine(entry));
        }
      };
      const first = await readOutbox(table, scope);
      if (first.length === 0 && !command.follow && !command.json) io.out('no notifications');
      show(first);
      if (!command.follow) return;
      while (!io.signal?.aborted) {
        await pause(io.followIntervalMs ?? 2000, io.signal);
        if (io.signal?.aborted) break;
        show(await readOutbox(table, scope));
      }
      return;
    }
  }
}

async function readSource(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new OpsError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

function printRequest(view: RequestView, execution: Awaited<ReturnType<typeof executionPath>>, io: CliIo): void {
  const r = view.request;
  io.out(`Request ${r.requestId}: ${r.status}${r.storeId ? ` at ${r.storeId}` : ''}${r.territoryId ? ` (territory ${r.territoryId})` : ''}${r.reason ? ` — ${r.reason}` : ''}`);
  for (const hold of view.reservations) {
    io.out(`  holds ${hold.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')} at ${hold.storeId} until ${hold.expiresAt} (${hold.hold}${hold.status ? `, ${hold.status}` : ''})`);
  }
  if (view.notifications.length > 0) io.out('Notifications:');
  for (const n of view.notifications) io.out(`  ${n.sentAt ?? n.heldUntil ?? ''}  ${n.kind} → ${n.personId}${n.role ? ` (${n.role})` : ''} ${n.channel} ${n.status}`);
  if ((view.decisions ?? []).length > 0) io.out('Decisions:');
  for (const d of view.decisions ?? []) io.out(`  ${d.outcome}${d.storeId ? ` at ${d.storeId}` : ''}${d.reason ? ` (${d.reason})` : ''} by ${d.decidedBy}`);
  io.out('Timeline:');
  const start = Date.parse(view.timeline[0]?.at ?? '');
  for (const e of view.timeline) {
    const detail = JSON.stringify(e.detail);
    io.out(`  +${((Date.parse(e.at) - start) / 1000).toFixed(3).padStart(8)} s  ${e.step.padEnd(16)} ${detail.length > 100 ? `${detail.slice(0, 99)}…` : detail}`);
  }
  io.out(
    execution
      ? `Execution: ${execution.status}${execution.status === 'RUNNING' ? ` in ${execution.states.at(-1) ?? '?'}` : ''}${execution.error ? ` ${execution.error}` : ''} — ${execution.executionArn}`
      : 'Execution: none found',
  );
}

function outboxLine(e: OutboxEntry): string {
  const at = e.sentAt ?? e.claimedAt;
  const extra = e.status === 'HELD' ? ` until ${e.heldUntil ?? '?'}` : e.reason ? ` (${e.reason})` : e.onBehalfOf ? ` (for ${e.onBehalfOf})` : '';
  return `${at}  ${e.subject.padEnd(28)} ${e.kind.padEnd(16)} → ${e.personId} (${e.role}) ${e.channel.padEnd(5)} ${e.status}${extra}`;
}

function summary(body: Record<string, unknown> | undefined): string {
  if (!body) return '';
  return typeof body.message === 'string' ? body.message : JSON.stringify(body);
}

const iso = (date: Date | undefined): string => (date ? date.toISOString() : '');

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
