/** Executions per workflow, newest first, with a status filter and a search by request, customer or territory. */
import { useEffect, useState } from 'preact/hooks';
import { EXECUTION_STATUSES, type ConsoleOverview, type ExecutionSummary } from '../../../local/console/console-contract';
import { duration, executionHref, time } from '../format';
import { usePoll } from '../use-poll';
import { ErrorMessage, Message, StatusBadge } from './message';

export function ExecutionList({ status, q }: { status: string; q: string }) {
  const query = new URLSearchParams({ ...(status && { status }), ...(q && { q }) }).toString();
  const { data, error } = usePoll<ConsoleOverview>(`overview${query ? `?${query}` : ''}`);
  return (
    <section>
      <h2>Executions</h2>
      <ExecutionFilter status={status} q={q} />
      <ErrorMessage error={error} />
      {!data && !error && <Message kind="info" text="Loading…" />}
      {data?.workflows.map((workflow) => {
        const executions = data.executions.filter((e) => e.workflowId === workflow.id);
        const counts = Object.entries(workflow.counts);
        return (
          <section class="workflow" key={workflow.id} data-workflow={workflow.id}>
            <h3>
              {workflow.name}{' '}
              <span class="counts">
                {counts.length === 0 ? 'no executions yet' : counts.map(([s, n]) => `${n} ${s.toLowerCase()}`).join(' · ')}
              </span>
            </h3>
            {executions.length > 0 ? (
              <ExecutionTable executions={executions} />
            ) : (
              counts.length > 0 && <p class="empty">None match the filter.</p>
            )}
          </section>
        );
      })}
    </section>
  );
}

function ExecutionFilter({ status, q }: { status: string; q: string }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const go = (next: { status: string; q: string }) => {
    const query = new URLSearchParams({ ...(next.status && { status: next.status }), ...(next.q.trim() && { q: next.q.trim() }) }).toString();
    location.hash = `#/${query ? `?${query}` : ''}`;
  };
  return (
    <form
      class="filter"
      onSubmit={(event) => {
        event.preventDefault();
        go({ status, q: text });
      }}
    >
      <label>
        Status{' '}
        <select name="status" value={status} onChange={(e) => go({ status: e.currentTarget.value, q: text })}>
          <option value="">all</option>
          {EXECUTION_STATUSES.map((s) => (
            <option value={s} key={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <label>
        Search{' '}
        <input name="q" type="search" placeholder="request, customer or territory id" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit">Search</button>
      {(status || q) && (
        <a href="#/" class="clear">
          clear
        </a>
      )}
    </form>
  );
}

export function ExecutionTable({ executions }: { executions: readonly ExecutionSummary[] }) {
  return (
    <table class="executions">
      <thead>
        <tr>
          <th>Execution</th>
          <th>Status</th>
          <th>Subject</th>
          <th>Territory</th>
          <th>Now in</th>
          <th>Started</th>
          <th>Stopped</th>
        </tr>
      </thead>
      <tbody>
        {executions.map((e) => (
          <tr key={e.executionArn} data-execution={e.name}>
            <td>
              <a href={executionHref(e.executionArn)}>{e.name}</a>
            </td>
            <td>
              <StatusBadge status={e.status} />
            </td>
            <td>
              {e.requestId && <a href={`#/requests/${encodeURIComponent(e.requestId)}`}>{e.requestId}</a>}
              {e.requestId && e.customerId && ' · '}
              {e.customerId && <a href={`#/customers/${encodeURIComponent(e.customerId)}`}>{e.customerId}</a>}
            </td>
            <td>{e.territoryId ?? ''}</td>
            <td>{e.currentState ?? ''}</td>
            <td>{time(e.startDate)}</td>
            <td>{e.stopDate ? `${time(e.stopDate)} (${duration(e.startDate, e.stopDate)})` : `running ${duration(e.startDate)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
