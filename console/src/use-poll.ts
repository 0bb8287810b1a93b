/**
 * Live data: reads a console API path now and then about once a second while
 * the view is open. Polling, not server-sent events: the local server answers
 * whole responses, and a poll picks up again by itself after a restart.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api';

export const POLL_MS = 1000;

export interface Polled<T> {
  readonly data?: T;
  readonly error?: ApiError;
  /** Reads again at once (after an answer was posted). */
  readonly refresh: () => void;
}

export function usePoll<T>(path: string | undefined): Polled<T> {
  const [state, setState] = useState<{ path?: string; data?: T; error?: ApiError }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === undefined) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const data = await getJson<T>(path, controller.signal);
        setState({ path, data });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState((previous) => ({ path, ...(previous.path === path && { data: previous.data }), error: error instanceof ApiError ? error : new ApiError(0, String(error)) }));
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void read(), POLL_MS);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [path, tick]);
  const current = state.path === path ? state : {};
  return { ...current, refresh: () => setTick((t) => t + 1) };
}
