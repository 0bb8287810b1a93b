/**
 * A request or customer record as the product's own GET route answers it
 * (GET /requests/{id}, GET /customers/{id}: one source of truth), with the
 * executions that worked on it and the messages its notifications sent.
 */
import type { ComponentChildren } from 'preact';
import type { RecordView } from '../../../local/console/console-contract';
import { time } from '../format';
import { usePoll } from '../use-poll';
import { ExecutionTable } from './execution-list';
import { ErrorMessage, Message, StatusBadge } from './message';
import { MessageBody } from './message-body';

type Row = Record<string, unknown>;

export function RequestRecord({ requestId }: { requestId: string }) {
  const { data, error } = usePoll<RecordView>(`requests/${encodeURIComponent(requestId)}`);
  return (
    <RecordPage title={`Request ${requestId}`} data={data} error={error}>
      {data && <RequestBody view={data} />}
    </RecordPage>
  );
}

export function CustomerRecord({ customerId }: { customerId: string }) {
  const { data, error } = usePoll<RecordView>(`customers/${encodeURIComponent(customerId)}`);
  return (
    <RecordPage title={`Customer ${customerId}`} data={data} error={error}>
      {data && <CustomerBody view={data} />}
    </RecordPage>
  );
}

function RecordPage({ title, data, error, children }: { title: string; data?: RecordView; error?: Parameters<typeof ErrorMessage>[0]['error']; children: ComponentChildren }) {
  return (
    <section class="record">
      <h2>{title}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Message kind="info" text="Loading…" />}
      {children}
    </section>
  );
}

function RequestBody({ view }: { view: RecordView }) {
  const request = (view.record.request ?? {}) as Row;
  const lines = Array.isArray(request.lines) ? (request.lines as Row[]) : [];
  return (
    <>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={text(request.status)} />
          {typeof request.reason === 'string' && ` ${request.reason}`}
        </dd>
        {typeof request.customerId === 'string' && (
          <>
            <dt>Customer</dt>
            <dd>
              <a href={`#/customers/${encodeURIComponent(request.customerId)}`}>{request.customerId}</a>
            </dd>
          </>
        )}
        {typeof request.territoryId === 'string' && (
          <>
            <dt>Territory</dt>
            <dd>{request.territoryId}</dd>
          </>
        )}
        {typeof request.storeId === 'string' && (
          <>
            <dt>Store</dt>
            <dd>{request.storeId}</dd>
          </>
        )}
        <dt>Lines</dt>
        <dd>{lines.map((l) => `${text(l.quantity)} ${text(l.unit)} ${text(l.sku)}`).join(', ')}</dd>
        <dt>Needed by</dt>
        <dd>
          {time(text(request.neededBy))} ({text(request.fulfilment)})
        </dd>
      </dl>
      <Executions view={view} />
      <Rows title="Holds" rows={view.record.reservations} columns={['hold', 'storeId', 'status', 'expiresAt', 'releaseReason']} />
      <Rows title="Decisions" rows={view.record.decisions} columns={['decidedAt', 'decidedBy', 'outcome', 'storeId', 'reason']} />
      <Notifications view={view} />
      <Rows title="Timeline" rows={view.record.timeline} columns={['at', 'step', 'detail']} />
    </>
  );
}

function CustomerBody({ view }: { view: RecordView }) {
  const customer = (view.record.customer ?? {}) as Row;
  const owner = (view.record.owner ?? {}) as Row;
  return (
    <>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{text(customer.name)}</dd>
        <dt>Status</dt>
        <dd>{text(view.record.status)}</dd>
        <dt>Territory</dt>
        <dd>
          <a href={`#/?q=${encodeURIComponent(text(customer.territoryId))}`}>{text(customer.territoryId)}</a>
        </dd>
        <dt>Owner</dt>
        <dd>
          {text(owner.role)} {typeof owner.name === 'string' && `— ${owner.name} (${text(owner.personId)})`}
        </dd>
      </dl>
      <Executions view={view} />
      <Rows title="Tasks" rows={view.record.tasks} columns={['kind', 'caseId', 'holderId', 'role', 'phase', 'status', 'answerBy']} />
      <Rows title="Special prices" rows={view.record.prices} columns={['sku', 'price', 'validFrom', 'validUntil', 'valid']} />
      <Rows title="Price requests" rows={view.record.priceRequests} columns={['priceRequestId', 'sku', 'proposedPrice', 'status']} />
      <Rows title="Follow-ups" rows={view.record.followUps} columns={['followUpId', 'dueOn', 'owner', 'topic', 'status']} />
      <Notifications view={view} />
      <Rows title="Timeline" rows={view.record.timeline} columns={['at', 'step', 'detail']} />
    </>
  );
}

function Executions({ view }: { view: RecordView }) {
  return (
    <>
      <h3>Executions</h3>
      {view.executions.length > 0 ? <ExecutionTable executions={view.executions} /> : <p class="empty">No execution in this run of the local runtime.</p>}
    </>
  );
}

/** Who was told what: each notification of the record, with the message the outbox delivered for it. */
function Notifications({ view }: { view: RecordView }) {
  const notifications = Array.isArray(view.record.notifications) ? (view.record.notifications as Row[]) : [];
  return (
    <>
      <h3>Notifications ({notifications.length})</h3>
      {notifications.length === 0 && <p class="empty">None.</p>}
      {notifications.map((n) => {
        const message = view.messages.find((m) => m.messageId === n.messageId);
        return (
          <article class="notification" key={text(n.dedupeKey)} data-channel={text(n.channel)}>
            <div class="meta">
              {text(n.kind)} → {text(n.personId)} ({text(n.role)}) by {text(n.channel)}: {text(n.status)}
              {typeof n.sentAt === 'string' && ` at ${time(n.sentAt)}`}
              {typeof n.heldUntil === 'string' && `, held until ${time(n.heldUntil)}`}
              {typeof n.reason === 'string' && ` — ${n.reason}`}
            </div>
            {message?.subject !== undefined && <p class="subject">{message.subject}</p>}
            {message && <MessageBody text={message.body} />}
          </article>
        );
      })}
      <p>
        <a href="#/outbox">All messages in the outbox</a>
      </p>
    </>
  );
}

function Rows({ title, rows, columns }: { title: string; rows: unknown; columns: readonly string[] }) {
  const list = Array.isArray(rows) ? (rows as Row[]) : [];
  return (
    <>
      <h3>
        {title} ({list.length})
      </h3>
      {list.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <table class="rows">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c}>{cell(row[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function cell(value: unknown): string {
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? time(value) : value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return text(value);
}

/** A record's field as text: strings and numbers as they are, anything else empty. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
