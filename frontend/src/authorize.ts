// What the OpenID Provider's endpoints sent the sign-in page to do (functions/api/routes/oidc.py):
// continue a tenant application's pending sign-in (`?authorize=<request id>`), explain a
// request that could not even be checked (`?authorize_error=<code>`), or ask before
// signing out (`?signout=confirm`). Pure: reading the query, naming the errors, and
// vetting an address before the page goes there.

/** The request id's shape, as the server checks it (core/authorization.py REQUEST_ID). */
const REQUEST_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** An error code as the server writes them; anything else is not shown as it came. */
const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

export type PageTask =
  /** A sign-in of a tenant application, waiting for this page. */
  | { kind: 'authorize'; requestId: string }
  /** `?authorize=` with something that cannot be a request id: as good as expired. */
  | { kind: 'unknownRequest' }
  /** The application's request was refused before anything could be sent back to it. */
  | { kind: 'authorizeError'; code: AuthorizeErrorCode; shown: string | null }
  /** An application asked to sign the user out without proving it may: ask first. */
  | { kind: 'signOut' };

/** The codes the page has its own sentence for; every other one is `other`. */
export const AUTHORIZE_ERRORS = ['unknown_client', 'invalid_redirect_uri', 'invalid_request'] as const;
export type AuthorizeErrorCode = (typeof AUTHORIZE_ERRORS)[number] | 'other';

/** The sentence a refused request's code gets (its key in strings().authorize.errors). */
export function authorizeErrorCode(code: string): AuthorizeErrorCode {
  return (AUTHORIZE_ERRORS as readonly string[]).includes(code) ? (code as AuthorizeErrorCode) : 'other';
}

/**
 * The task a query (`location.search`) gives the sign-in page, or null for none.
 * An error wins over a request: the endpoint sends one or the other, never both.
 */
export function pageTask(search: string): PageTask | null {
  const query = new URLSearchParams(search);
  const error = query.get('authorize_error');
  if (error !== null) {
    const shown = ERROR_CODE.test(error) ? error : null;
    return { kind: 'authorizeError', code: authorizeErrorCode(error), shown };
  }
  const requestId = query.get('authorize');
  if (requestId !== null) {
    return REQUEST_ID.test(requestId) ? { kind: 'authorize', requestId } : { kind: 'unknownRequest' };
  }
  if (query.get('signout') === 'confirm') return { kind: 'signOut' };
  return null;
}

/** Schemes a redirect from the server may never have, whatever it says. */
const NEVER = new Set(['javascript:', 'data:', 'vbscript:', 'blob:', 'file:', 'about:', 'filesystem:']);

/**
 * The address to send the browser to, from the server's `redirect_to` (an application's
 * registered redirect URI, with a code or an error): absolute, and of no scheme that
 * would run in this page. Null when it is not one; the page then stays.
 */
export function applicationAddress(redirectTo: string): string | null {
  let url: URL;
  try {
    url = new URL(redirectTo);
  } catch {
    return null;
  }
  return NEVER.has(url.protocol.toLowerCase()) ? null : url.href;
}
