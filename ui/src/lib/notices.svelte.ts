// The one way the UI calls the back end and shows what went wrong: runApi() runs a call,
// counts it as busy while it runs, and turns a failure into a notice by its error code.
// A notice is data (a key, or an ApiError translated by its code when shown), so it is
// translated again when the language changes.

import { NO_BACKEND, toApiError, type ApiError } from './api';
import type { Key, Params } from './i18n';

export type Notice = { kind: 'error'; error: ApiError } | { kind: 'success' | 'info'; key: Key; params?: Params };

/** Where a failure is shown: a NoticeSlot, or a list that keeps one entry per failure. */
export interface ErrorTarget {
  fail(error: ApiError): void;
  /** A new try starts: the error of the previous one no longer holds. */
  dismissError?(): void;
  show?(notice: Notice): void;
}

/** One notice at a time in one place on screen: the app's banner, a dialog's error line. */
export class NoticeSlot implements ErrorTarget {
  current = $state<Notice | null>(null);

  /** The error shown, when the notice is one. */
  get error(): ApiError | null {
    return this.current?.kind === 'error' ? this.current.error : null;
  }

  show(notice: Notice) {
    this.current = notice;
  }

  fail(error: ApiError) {
    this.current = { kind: 'error', error };
  }

  dismissError() {
    if (this.current?.kind === 'error') this.current = null;
  }

  clear() {
    this.current = null;
  }
}

/** Calls in flight: `active` while at least one runs (their buttons wait). */
export class Busy {
  #running = $state(0);

  get active(): boolean {
    return this.#running > 0;
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    this.#running += 1;
    try {
      return await work();
    } finally {
      this.#running -= 1;
    }
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Failures handled by their code instead of being shown. */
export type CodeHandlers = Readonly<Record<string, (error: ApiError) => void>>;

/** The missing back end is said once, by the app's banner: other places stay quiet about it. */
export const QUIET_WITHOUT_BACKEND: CodeHandlers = { [NO_BACKEND]: () => {} };

export interface RunOptions<T> {
  /** Where a failure shows (and the success notice, when there is one). */
  notices: ErrorTarget;
  /** Counted as busy while the call runs. */
  busy?: Busy;
  success?: Notice | ((value: T) => Notice);
  codes?: CodeHandlers;
}

/**
 * Runs one back-end call (or a native dialog): busy while it runs, the previous error
 * dismissed, a failure handed to `codes` by its code or else shown in `notices`. Never
 * throws; the outcome says what happened. Never retries either: a call may cost a try
 * (a PIN) or write a file.
 */
export async function runApi<T>(call: () => Promise<T>, options: RunOptions<T>): Promise<Outcome<T>> {
  const { notices, busy, success, codes } = options;
  notices.dismissError?.();
  const attempt = async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
  };
  const outcome = busy ? await busy.during(attempt) : await attempt();
  if (outcome.ok) {
    if (success !== undefined) notices.show?.(typeof success === 'function' ? success(outcome.value) : success);
  } else {
    const handler = codes?.[outcome.error.code];
    if (handler) handler(outcome.error);
    else notices.fail(outcome.error);
  }
  return outcome;
}
