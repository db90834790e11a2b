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

/** What a loader reads, and where the answer goes (`failed`, `unauthenticated` as in Outcome). */
export interface Source<T> extends Omit<Outcome<T>, 'done'> {
  read(): Promise<T>;
  show(value: T): void;
  /** True while a read is on its way (a card says aria-busy). */
  busy?(busy: boolean): void;
}

export interface Loader {
  /**
   * Reads and shows the state. Resolves once the newest state is shown (or its
   * read failed): a read that a newer one overtook waits for that one.
   */
  reload(): Promise<void>;
}

/**
 * One card's reads of one resource. Only the newest read may touch the card: an
 * older one's answer is dropped however late it comes, so a slow status read sent
 * before a change cannot undo it (a change is always followed by a new read).
 */
export function loader<T>(scope: Scope, source: Source<T>): Loader {
  // Aborted when a newer read starts: its answer is stale from then on.
  let newestRead = new AbortController();
  let newestShown: Promise<void> = Promise.resolve();
  let reading = 0;

  function reload(): Promise<void> {
    newestRead.abort();
    newestRead = new AbortController();
    const readScope: Scope = {
      signal: AbortSignal.any([scope.signal, newestRead.signal]),
      sessionEnded: () => scope.sessionEnded(),
    };
    reading += 1;
    source.busy?.(true);
    const settled = settle(readScope, source.read(), { ...source, done: source.show }).finally(() => {
      reading -= 1;
      if (reading === 0) source.busy?.(false);
    });
    const shown: Promise<void> = settled.then(() => (newestShown === shown ? undefined : newestShown));
    newestShown = shown;
    return shown;
  }

  return { reload };
}
