// What the shell (main.ts) gives each view: the context, and a handoff that came
// with the navigation to it.

import type { ApiClient } from '../api.js';
import type { Scope } from '../load.js';
import type { PageName } from '../router.js';
import type { SessionHint } from '../session-hint.js';

/** What a navigation hands, once, to the view it opens. */
export interface Handoff {
  /** For the sign-in page: a message to show above the form ("You are signed out."). */
  flash?: string;
  /** For the account page, after a sign-in with a backup code: how many are left. */
  notice?: { backupCodesRemaining: number };
}

export interface GoOptions extends Handoff {
  replace?: boolean;
}

export interface ViewContext extends Scope {
  readonly tenant: string;
  readonly api: ApiClient;
  /** False on the first page load (focus stays where the browser put it). */
  readonly focusOnRender: boolean;
  /**
   * Whether this browser had a session here that is gone now (ended on another
   * device, or expired): the sign-in page then says so, once.
   */
  readonly sessionHint: Pick<SessionHint, 'take'>;
  go(page: PageName, options?: GoOptions): void;
  setTitle(title: string): void;
  /** The header's user area: a name and Sign out, or nothing. */
  setUser(username: string | null): void;
  /** Moves focus to <main>, e.g. when the element that had it went away. */
  focusMain(): void;
}

/** A page: draws itself into `root` (the shell's #view). */
export type View = (ctx: ViewContext, root: HTMLElement, handoff: Handoff) => void;
