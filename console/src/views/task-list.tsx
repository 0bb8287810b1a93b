/**
 * Decisions a workflow waits for — request escalations and customer tasks —
 * with who holds each and until when. Answering posts to the product's own
 * decision route, the one the SMS link's page posts to.
 */
import { useState } from 'preact/hooks';
import type { PendingTask, PendingTasks } from '../../../local/console/console-contract';
import { ApiError, postDecision } from '../api';
import { ANSWERS, answerBody, type AnswerSpec } from '../answer-forms';
import { executionHref, relative, time } from '../format';
import { usePoll } from '../use-poll';
import { ErrorMessage, Message } from './message';

export function TaskList() {
  const { data, error, refresh } = usePoll<PendingTasks>('tasks');
  // The answered task leaves the list at the next read; what happened stays on top.
  const [notice, setNotice] = useState<string | undefined>();
  const answered = (text: string) => {
    setNotice(text);
    refresh();
  };
  return (
    <section>
      <h2>Pending decisions</h2>
      {notice && <Message kind="info" text={notice} />}
      <ErrorMessage error={error} />
      {!data && !error && <Message kind="info" text="Loading…" />}
      {data && data.tasks.length === 0 && <Message kind="info" text="No workflow is waiting for a person's decision." />}
      {data?.tasks.map((task) => <TaskCard task={task} key={task.ref} onAnswered={answered} />)}
    </section>
  );
}

const KIND_LABELS: Readonly<Record<string, string>> = {
  escalation: 'Request escalation',
  handover: 'Customer handover',
  priceDecision: 'Special price decision',
  priceCounter: 'Counter-offer',
  followUp: 'Follow-up',
};

function TaskCard({ task, onAnswered }: { task: PendingTask; onAnswered: (text: string) => void }) {
  const spec = ANSWERS[task.kind];
  return (
    <article class="task" data-task={task.ref} data-kind={task.kind}>
      <h3>
        {KIND_LABELS[task.kind] ?? task.kind}
        {task.requestId && (
          <>
            {' '}
            for request <a href={`#/requests/${encodeURIComponent(task.requestId)}`}>{task.requestId}</a>
          </>
        )}
        {task.customerId && (
          <>
            {' '}
            for customer <a href={`#/customers/${encodeURIComponent(task.customerId)}`}>{task.customerId}</a>
          </>
        )}
      </h3>
      <dl class="facts">
        <dt>Held by</dt>
        <dd class="holder">
          {task.holderName ? `${task.holderName} (${task.holderId})` : task.holderId}, {task.role} role, {task.phase}
        </dd>
        <dt>Answer by</dt>
        <dd class="deadline">
          <time dateTime={task.answerBy}>{time(task.answerBy)}</time> ({relative(task.answerBy)})
        </dd>
        {task.executionArn && (
          <>
            <dt>Workflow</dt>
            <dd>
              <a href={executionHref(task.executionArn)}>its execution</a>
            </dd>
          </>
        )}
        <dt>Link</dt>
        <dd>
          <a href={task.linkPath} target="_blank" rel="noreferrer">
            the decision page the SMS opens
          </a>
        </dd>
      </dl>
      {spec ? <AnswerForm task={task} spec={spec} onAnswered={onAnswered} /> : <Message kind="info" text="Answer it on its decision page." />}
    </article>
  );
}

function AnswerForm({ task, spec, onAnswered }: { task: PendingTask; spec: AnswerSpec; onAnswered: (text: string) => void }) {
  const [choice, setChoice] = useState(spec.options[0]?.value ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const option = spec.options.find((o) => o.value === choice);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!option) return;
    setSending(true);
    try {
      const answer = await postDecision(task.decisionPath, answerBody(spec, option, values));
      const subject = task.requestId ? `request ${task.requestId}` : `customer ${task.customerId ?? ''}`;
      onAnswered(`✓ ${KIND_LABELS[task.kind] ?? task.kind} for ${subject} answered: ${typeof answer.outcome === 'string' ? answer.outcome : option.value}. The workflow carries on.`);
    } catch (error) {
      const status = error instanceof ApiError && error.status > 0 ? ` (${error.status})` : '';
      setRefusal(`The answer was refused${status}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setSending(false);
    }
  };
  return (
    <form class="answer" onSubmit={(event) => void submit(event)}>
      <fieldset>
        <legend>Answer</legend>
        {spec.options.map((o) => (
          <label key={o.value} class="choice">
            <input type="radio" name={`${task.ref}-${spec.key}`} value={o.value} checked={o.value === choice} onChange={() => setChoice(o.value)} /> {o.label}
          </label>
        ))}
        {option?.fields.map((field) => (
          <label key={field.name} class="field">
            {field.label}{' '}
            <input
              name={field.name}
              type="text"
              inputMode={field.type === 'number' ? 'decimal' : undefined}
              placeholder={field.type === 'date' ? 'YYYY-MM-DD' : undefined}
              required={field.required}
              value={values[field.name] ?? ''}
              onInput={(e) => setValues({ ...values, [field.name]: e.currentTarget.value })}
            />
          </label>
        ))}
        <button type="submit" disabled={sending}>
          Send answer
        </button>
      </fieldset>
      {refusal && <Message kind="error" text={refusal} />}
    </form>
  );
}
