/** Times as ops read them: local clock time with seconds, and durations in words. */

export function time(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

export function duration(fromIso: string, toIso?: string): string {
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** "in 12 min" / "3 min ago", for deadlines. */
export function relative(iso: string): string {
  const ms = Date.parse(iso) - Date.now();
  if (!Number.isFinite(ms)) return '';
  const words = duration(new Date(Date.now() - Math.abs(ms)).toISOString());
  return ms >= 0 ? `in ${words}` : `${words} ago`;
}

/** The execution ARN's last part is its name; the page's address carries the whole ARN. */
export function executionHref(executionArn: string): string {
  return `#/executions/${encodeURIComponent(executionArn)}`;
}
