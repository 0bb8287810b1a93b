/**
 * The local operations console: what the system did, without reading logs.
 * One page; the address's hash says which view is open, so every view can be
 * linked, bookmarked and reloaded:
 *
 *   #/                       executions per workflow (?status=…&q=…)
 *   #/executions/<arn>       one execution: timeline and state graph
 *   #/tasks                  decisions waiting for a person, answerable here
 *   #/outbox                 every SMS and email
 *   #/requests/<id>          a request record (GET /requests/{id})
 *   #/customers/<id>         a customer record (GET /customers/{id})
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ExecutionList } from './views/execution-list';
import { ExecutionView } from './views/execution-view';
import { OutboxView } from './views/outbox-view';
import { CustomerRecord, RequestRecord } from './views/record-view';
import { TaskList } from './views/task-list';
import { Message } from './views/message';

interface Route {
  readonly view: 'executions' | 'execution' | 'tasks' | 'outbox' | 'request' | 'customer' | 'unknown';
  readonly id?: string;
  readonly query: URLSearchParams;
}

function routeOf(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const [section = '', ...rest] = path.replace(/^\//, '').split('/');
  let id: string | undefined;
  try {
    id = rest.length > 0 ? decodeURIComponent(rest.join('/')) : undefined;
  } catch {
    return { view: 'unknown', query };
  }
  switch (section) {
    case '':
      return { view: 'executions', query };
    case 'executions':
      return id ? { view: 'execution', id, query } : { view: 'executions', query };
    case 'tasks':
      return { view: 'tasks', query };
    case 'outbox':
      return { view: 'outbox', query };
    case 'requests':
      return id ? { view: 'request', id, query } : { view: 'unknown', query };
    case 'customers':
      return id ? { view: 'customer', id, query } : { view: 'unknown', query };
    default:
      return { view: 'unknown', query };
  }
}

function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return routeOf(hash);
}

function App() {
  const route = useRoute();
  const tab = (href: string, label: string, active: boolean) => (
    <a href={href} class={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <h1>
          <a href="#/">Tandem 360 · operations console</a>
        </h1>
        <nav>
          {tab('#/', 'Executions', route.view === 'executions' || route.view === 'execution')}
          {tab('#/tasks', 'Pending decisions', route.view === 'tasks')}
          {tab('#/outbox', 'Outbox', route.view === 'outbox')}
        </nav>
        <RecordSearch />
      </header>
      <main>{viewOf(route)}</main>
    </>
  );
}

function viewOf(route: Route) {
  switch (route.view) {
    case 'executions':
      return <ExecutionList status={route.query.get('status') ?? ''} q={route.query.get('q') ?? ''} />;
    case 'execution':
      return <ExecutionView executionArn={route.id ?? ''} />;
    case 'tasks':
      return <TaskList />;
    case 'outbox':
      return <OutboxView />;
    case 'request':
      return <RequestRecord requestId={route.id ?? ''} />;
    case 'customer':
      return <CustomerRecord customerId={route.id ?? ''} />;
    default:
      return <Message kind="error" text={`The console has no page ${location.hash}. Start from the executions.`} />;
  }
}

/** Opens a record by id: a customer id (C and six digits) shows the customer, anything else the request. */
function RecordSearch() {
  const [id, setId] = useState('');
  const open = (event: Event) => {
    event.preventDefault();
    const value = id.trim();
    if (!value) return;
    location.hash = /^C\d{6}$/.test(value) ? `#/customers/${encodeURIComponent(value)}` : `#/requests/${encodeURIComponent(value)}`;
  };
  return (
    <form class="record-search" onSubmit={open}>
      <label>
        Open record{' '}
        <input name="record" placeholder="request id or customer id" value={id} onInput={(e) => setId(e.currentTarget.value)} />
      </label>
      <button type="submit">Open</button>
    </form>
  );
}

const root = document.getElementById('console');
if (root) render(<App />, root);
