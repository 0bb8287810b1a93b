/** One execution: what it works on, how it ended, its path through the state graph, and its history as a timeline. */
import type { ExecutionDetail, TimelineEvent } from '../../../local/console/console-contract';
import { duration, time } from '../format';
import { usePoll } from '../use-poll';
import { ErrorMessage, Message, StatusBadge } from './message';
import { StateGraphView } from './state-graph';

export function ExecutionView({ executionArn }: { executionArn: string }) {
  const { data, error } = usePoll<ExecutionDetail>(`executions/${encodeURIComponent(executionArn)}`);
  if (!data) return error ? <ErrorMessage error={error} /> : <Message kind="info" text="Loading…" />;
  const e = data.execution;
  return (
    <section class="execution">
      <h2>
        {e.workflowName}: {e.name} <StatusBadge status={e.status} />
      </h2>
      <ErrorMessage error={error} />
      <dl class="facts">
        {e.requestId && (
          <>
            <dt>Request</dt>
            <dd>
              <a href={`#/requests/${encodeURIComponent(e.requestId)}`}>{e.requestId}</a>
            </dd>
          </>
        )}
        {e.customerId && (
          <>
            <dt>Customer</dt>
            <dd>
              <a href={`#/customers/${encodeURIComponent(e.customerId)}`}>{e.customerId}</a>
            </dd>
          </>
        )}
        {e.territoryId && (
          <>
            <dt>Territory</dt>
            <dd>
              <a href={`#/?q=${encodeURIComponent(e.territoryId)}`}>{e.territoryId}</a>
            </dd>
          </>
        )}
        <dt>Started</dt>
        <dd>{time(e.startDate)}</dd>
        <dt>{e.stopDate ? 'Stopped' : 'Running for'}</dt>
        <dd>{e.stopDate ? `${time(e.stopDate)} after ${duration(e.startDate, e.stopDate)}` : duration(e.startDate)}</dd>
        {e.currentState && (
          <>
            <dt>Now in</dt>
            <dd class="current-state">{e.currentState}</dd>
          </>
        )}
        <dt>Execution ARN</dt>
        <dd class="arn">{e.executionArn}</dd>
      </dl>
      {(e.error || e.cause) && (
        <p class="failure" role="alert">
          <strong>{e.error ?? 'Failed'}</strong>
          {e.cause ? `: ${e.cause}` : ''}
        </p>
      )}
      <div class="execution-body">
        <div>
          <h3>State graph</h3>
          <StateGraphView graph={data.graph} path={data.path} />
        </div>
        <div>
          <h3>Timeline ({data.events.length} events)</h3>
          <Timeline events={data.events} />
        </div>
      </div>
      <details>
        <summary>Input and output</summary>
        <pre>{pretty(e.input)}</pre>
        {e.output !== undefined && <pre>{pretty(e.output)}</pre>}
      </details>
    </section>
  );
}

function Timeline({ events }: { events: readonly TimelineEvent[] }) {
  const start = Date.parse(events[0]?.timestamp ?? '');
  return (
    <ol class="timeline">
      {events.map((event) => (
        <li key={event.id} class={event.error || event.cause ? 'event failed' : 'event'} data-type={event.type}>
          <span class="offset" title={time(event.timestamp)}>
            +{((Date.parse(event.timestamp) - start) / 1000).toFixed(3)} s
          </span>{' '}
          <span class="type">{event.type}</span>
          {event.state && <span class="state"> {event.state}</span>}
          {(event.error || event.cause) && (
            <div class="event-error">
              {event.error}
              {event.cause ? `: ${event.cause}` : ''}
            </div>
          )}
          {event.detail && <div class="detail">{event.detail}</div>}
        </li>
      ))}
    </ol>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
