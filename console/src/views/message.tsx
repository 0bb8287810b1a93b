import type { ApiError } from '../api';

/** A sentence instead of a blank page: errors, empty lists, waiting. */
export function Message({ kind, text }: { kind: 'error' | 'info'; text: string }) {
  return (
    <p class={`message ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

/** What a failed read says; a poll that failed once keeps showing the last data above it. */
export function ErrorMessage({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  const prefix = error.status === 404 ? 'Not found: ' : error.status >= 400 && error.status < 500 ? 'Refused: ' : error.status >= 500 ? 'Error: ' : '';
  return <Message kind="error" text={`${prefix}${error.message}`} />;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
}
