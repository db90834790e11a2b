// What the shell (main.ts) gives each view.

import type { ApiClient } from '../api.js';

export interface GoOptions {
  replace?: boolean;
  /** A message for the sign-in page ("Your session ended…"). */
  flash?: string;
}

export interface ViewContext {
  readonly tenant: string;
  readonly api: ApiClient;
  /** Aborted when the user navigates away: late answers must not touch the page. */
  readonly signal: AbortSignal;
  /** False on the first page load (focus stays where the browser put it). */
  readonly focusOnRender: boolean;
  go(route: 'signin' | 'account', options?: GoOptions): void;
  setTitle(title: string): void;
  /** The header's user area: a name and Sign out, or nothing. */
  setUser(username: string | null): void;
  /** After a successful sign-in; `backupCodesRemaining` when a backup code was used. */
  signedIn(backupCodesRemaining: number | null): void;
  /** Any 401 unauthenticated on a signed-in page. */
  sessionEnded(): void;
  /**
   * True once when this browser had a session here that is gone now (ended on
   * another device, or expired): the sign-in page then says so.
   */
  takeEndedSession(): boolean;
  takeFlash(): string | null;
  takeBackupNotice(): number | null;
}
