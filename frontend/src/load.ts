// How a view ends a request: the answer goes to the view only while the view is
// on screen, a 401 unauthenticated ends the session, anything else is the view's
// to explain. Pure (no DOM), so the cheap tests cover it.

import { Cancelled, isUnauthenticated } from './messages.js';

/** The part of the view context that decides what a late answer may still do. */
export interface Scope {
  /** Aborted when the user navigates away: late answers must not touch the page. */
  readonly signal: AbortSignal;
  /** Any 401 unauthenticated on a signed-in page. */
  sessionEnded(): void;
}

export interface Outcome<T> {
  done(value: T): void;
  /** Any other failure; a Cancelled (the user dismissed a step) never comes here. */
  failed(error: unknown): void;
  /** 401 unauthenticated; by default the session ended (back to sign-in). */
  unauthenticated?(): void;
}

/** Waits for `task` and hands its end to `outcome`, unless the view was left meanwhile. */
export async function settle<T>(scope: Scope, task: Promise<T>, outcome: Outcome<T>): Promise<void> {
  let value: T;
  try {
    value = await task;
  } catch (error) {
    reportFailure(scope, error, outcome);
    return;
  }
  if (!scope.signal.aborted) outcome.done(value);
}

/** The failure half of `settle`, for a view that caught the error itself. */
export function reportFailure(scope: Scope, error: unknown, outcome: Omit<Outcome<never>, 'done'>): void {
  if (scope.signal.aborted || error instanceof Cancelled) return;
  if (!isUnauthenticated(error)) outcome.failed(error);
  else if (outcome.unauthenticated) outcome.unauthenticated();
  else scope.sessionEnded();
}

export interface Source<T> {
  read(): Promise<T>;
  show(value: T): void;
  failed(error: unknown): void;
  /** 401 unauthenticated; by default the session ended (back to sign-in). */
  unauthenticated?(): void;
  /** True while a read is on its way (a card says aria-busy). */
  busy?(busy: boolean): void;
}

export interface Loader {
  /** Reads and shows the state; resolves once it is shown (or failed, or dropped). */
  reload(): Promise<void>;
}

/** One card's reads of one resource. */
export function loader<T>(scope: Scope, source: Source<T>): Loader {
  let reading = 0;
  return {
    async reload(): Promise<void> {
      reading += 1;
      source.busy?.(true);
      try {
        await settle(scope, source.read(), { ...source, done: source.show });
      } finally {
        reading -= 1;
        if (reading === 0) source.busy?.(false);
      }
    },
  };
}
