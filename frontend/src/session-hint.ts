// Whether this browser had a session on the tenant, so that a visit after that
// session ended elsewhere (another device changed the backup codes, or it expired)
// says so instead of showing a bare sign-in form. A flag only: nothing secret,
// never a code or a token.

import type { FlagStore } from './storage.js';

export function hintKey(tenant: string): string {
  return `backup-codes:had-session:${tenant}`;
}

export class SessionHint {
  private readonly key: string;

  constructor(
    tenant: string,
    private readonly store: FlagStore | null,
  ) {
    this.key = hintKey(tenant);
  }

  /** A session is open (the account page loaded). */
  remember(): void {
    try {
      this.store?.setItem(this.key, '1');
    } catch {
      // Storage refused (private mode, quota): the page just says less.
    }
  }

  /** The user signed out: nothing ended behind their back. */
  forget(): void {
    try {
      this.store?.removeItem(this.key);
    } catch {
      // as above
    }
  }

  /** True once if a session was remembered; the hint is used up. */
  take(): boolean {
    let had = false;
    try {
      had = this.store?.getItem(this.key) === '1';
    } catch {
      return false;
    }
    this.forget();
    return had;
  }
}
