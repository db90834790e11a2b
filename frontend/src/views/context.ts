// What the shell (app.ts) gives each view: the context, and a handoff that came
// with the navigation to it (or with a redraw in another language).

import type { ApiClient, MfaMethod, Tenant } from '../api.js';
import type { Scope } from '../load.js';
import type { PageName } from '../router.js';
import type { SessionHint } from '../session-hint.js';

/** A message for the top of the sign-in page, by its key in strings().signIn: it is worded when shown. */
export type SignInNotice = 'signedOut' | 'sessionEnded' | 'flowExpired';

/** How far a sign-in got: what a redraw in another language must not throw away. */
export interface SignInProgress {
  /** As typed so far; never the password. */
  username: string;
  /** The second step under way: its flow, the methods offered, the one shown. */
  secondFactor?: { flow: string; methods: MfaMethod[]; method: MfaMethod };
}

/** What a navigation hands, once, to the view it opens. */
export interface Handoff {
  /** For the sign-in page: a message to show above the form ("You are signed out."). */
  flash?: SignInNotice;
  /** For the sign-in page, drawn again in another language: where the user was. */
  resume?: SignInProgress;
  /** For the account page, after a sign-in with a backup code: how many are left. */
  notice?: { backupCodesRemaining: number };
  /**
   * For an application's sign-in or sign-out on the sign-in page (views/authorize.ts),
   * drawn again in another language: focus stays, a password prompt already offered
   * is not opened again by itself.
   */
  applicationTask?: { passwordOffered: boolean };
}

export interface GoOptions extends Handoff {
  replace?: boolean;
}

export interface ViewContext extends Scope {
  readonly tenant: Tenant;
  readonly api: ApiClient;
  /** False on the first page load and on a redraw in another language (focus stays where it is). */
  readonly focusOnRender: boolean;
  /**
   * Whether this browser had a session here that is gone now (ended on another
   * device, or expired): the sign-in page then says so, once.
   */
  readonly sessionHint: Pick<SessionHint, 'take' | 'forget'>;
  go(page: PageName, options?: GoOptions): void;
  setTitle(title: string): void;
  /** The header's user area: a name and Sign out, or nothing. */
  setUser(username: string | null): void;
  /** Moves focus to <main>, e.g. when the element that had it went away. */
  focusMain(): void;
  /**
   * What to hand this view when the language changes and it is drawn again; the
   * latest call wins. Without one, the view starts afresh.
   */
  keepForRedraw(handoff: () => Handoff): void;
}

/** A page: draws itself into `root` (the shell's #view). */
export type View = (ctx: ViewContext, root: HTMLElement, handoff: Handoff) => void;
