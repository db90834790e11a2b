// What the OpenID Provider sends the sign-in page to do for a tenant's application
// (functions/api/routes/oidc.py, core/authorization.py, core/logout.py):
//
// - `?authorize=<id>`: a sign-in the application is waiting for. The page reads the
//   request (the application's name), signs the user in if nobody is (the usual two
//   steps), asks for the password again when the application wants a fresh sign-in
//   (`prompt=login`), then completes it and follows `redirect_to` back with a code.
//   "Back to <application>" cancels it (access_denied); `prompt=none` never asks
//   anything and goes back with login_required instead.
// - `?authorize_error=<code>`: the client or its return address could not be trusted:
//   the page explains, and sends the browser nowhere.
// - `?signout=confirm`: an application asked to sign the user out without a token
//   that proves it may; the user decides. Signing out ends the session like Sign out
//   (the applications it signed in to hear of it by back-channel logout).

import { ApiError, BAD_RESPONSE, type PendingAuthorization } from '../api.js';
import { applicationAddress, type AuthorizeErrorCode, type PageTask } from '../authorize.js';
import { h, type Child } from '../dom.js';
import { icon, type IconName } from '../icons.js';
import { settle } from '../load.js';
import { Cancelled, describeError, isUnauthenticated } from '../messages.js';
import { isReauthRequired, promptPassword, withReauth } from '../reauth.js';
import { pathFor } from '../router.js';
import { strings } from '../strings.js';
import { markBusy, say, withBusy } from '../ui.js';
import type { Handoff, ViewContext } from './context.js';
import { setupRequiredCard } from './authenticator.js';
import { renderSignIn } from './signin.js';

function isRequestGone(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'request_not_found';
}

export function renderPageTask(ctx: ViewContext, root: HTMLElement, handoff: Handoff, task: PageTask): void {
  // Drawn again in another language: focus stays where the reader has it (the picker).
  const redrawn = handoff.applicationTask !== undefined || handoff.resume !== undefined;
  let passwordOffered = handoff.applicationTask?.passwordOffered ?? false;
  const remember = (): void => ctx.keepForRedraw(() => ({ applicationTask: { passwordOffered } }));
  ctx.setUser(null);

  /** A card of its own, whose heading takes focus (the news of the moment). */
  function show(mark: IconName, title: string, ...body: Child[]): HTMLDivElement {
    ctx.setTitle(title);
    const heading = h('h1', { class: 'auth-title', tabindex: '-1' }, title);
    const card = h('div', { class: 'auth-card' }, h('div', { class: 'auth-mark' }, icon(mark, 'icon icon-lg')), heading, ...body);
    root.replaceChildren(h('div', { class: 'auth-page' }, card));
    remember();
    if (!redrawn) heading.focus();
    return card;
  }

  function loading(text: string): void {
    const card = h('div', { class: 'auth-card', 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, text));
    root.replaceChildren(h('div', { class: 'auth-page' }, card));
    remember();
  }

  function accountLink(): HTMLElement {
    return h('div', { class: 'auth-links' }, h('a', { href: pathFor(ctx.tenant.id, 'account'), 'data-nav': true }, strings().authorize.goToAccount));
  }

  function refused(code: AuthorizeErrorCode, shown: string | null): void {
    const t = strings().authorize;
    show(
      'warning',
      t.refusedTitle,
      h('p', { class: 'auth-intro' }, t.errors[code]),
      shown ? h('p', { class: 'auth-code', 'data-testid': 'authorize-error-code' }, t.errorCode(shown)) : null,
      accountLink(),
    );
  }

  function expired(): void {
    const t = strings().authorize;
    show('warning', t.expiredTitle, h('p', { class: 'auth-intro' }, t.expiredBody), accountLink());
  }

  /** Anything else that stopped the way (offline, overload): why, and Try again. */
  function failed(error: unknown, retry: () => void): void {
    const t = strings();
    const again = h('button', { type: 'button', class: 'btn btn-secondary' }, t.app.retry);
    again.addEventListener('click', retry);
    show('warning', t.authorize.failedTitle, h('p', { class: 'form-error', role: 'alert' }, describeError(error)), h('div', { class: 'auth-actions' }, again));
  }

  /** Off to the application; a `redirect_to` that is no address for it keeps the page here. */
  function leave(redirectTo: string, clientName: string): void {
    const address = applicationAddress(redirectTo);
    if (address === null) {
      failed(new ApiError(200, BAD_RESPONSE, 'Unexpected response shape (redirect_to).'), () => window.location.reload());
      return;
    }
    const t = strings().authorize;
    show('shield', t.title(clientName), h('p', { class: 'loading', role: 'status' }, t.returning(clientName)));
    window.location.replace(address);
  }

  // --- a pending sign-in ------------------------------------------------------------

  function authorize(requestId: string): void {
    loading(strings().authorize.loading);
    void settle(ctx, ctx.api.pendingAuthorization(requestId), {
      done: (request) => signedInYet(requestId, request),
      failed: (error) => (isRequestGone(error) ? expired() : failed(error, () => authorize(requestId))),
      unauthenticated: () => expired(),
    });
  }

  /** Whoever is signed in on this browser decides the next step. */
  function signedInYet(requestId: string, request: PendingAuthorization): void {
    loading(strings().authorize.loading);
    void settle(ctx, ctx.api.me(), {
      done: (me) => {
        if (request.prompt === 'login') confirmIdentity(requestId, request, me.username);
        else complete(requestId, request);
      },
      unauthenticated: () => {
        if (request.prompt === 'none') cancel(requestId, request, 'login_required');
        else signIn(requestId, request);
      },
      failed: (error) => failed(error, () => signedInYet(requestId, request)),
    });
  }

  function signIn(requestId: string, request: PendingAuthorization): void {
    const name = request.clientName;
    renderSignIn(ctx, root, handoff, {
      title: () => strings().authorize.title(name),
      intro: () => strings().authorize.intro(ctx.tenant.name),
      links: () => backToApplication(requestId, request),
      signedIn: () => complete(requestId, request),
    });
    if (!redrawn) root.querySelector<HTMLElement>('h1')?.focus();
  }

  /** `prompt=login` for a signed-in user: the password again, then on. */
  function confirmIdentity(requestId: string, request: PendingAuthorization, username: string | null): void {
    const t = strings().authorize;
    const name = request.clientName;
    const error = h('p', { class: 'form-error', role: 'alert' });
    const confirm = h('button', { type: 'button', class: 'btn btn-primary btn-block' }, t.confirm);
    show(
      'key',
      t.title(name),
      h('p', { class: 'auth-intro' }, t.confirmIntro(name)),
      username === null ? null : h('p', { class: 'auth-who' }, t.signedInAs(username)),
      error,
      confirm,
      h('div', { class: 'auth-links' }, backToApplication(requestId, request)),
    );

    const ask = (): Promise<void> =>
      promptPassword(ctx.api, strings().authorize.reauthBody(name)).then(
        () => complete(requestId, request),
        (err: unknown) => {
          if (ctx.signal.aborted || err instanceof Cancelled) return;
          if (isUnauthenticated(err)) signIn(requestId, request);
          else say(error, describeError(err));
        },
      );
    confirm.addEventListener('click', () => {
      say(error, '');
      void withBusy(confirm, ask);
    });
    if (!passwordOffered) {
      passwordOffered = true;
      remember();
      void withBusy(confirm, ask);
    }
  }

  /** The code for the application: `redirect_to` with it, followed at once. */
  function complete(requestId: string, request: PendingAuthorization): void {
    const t = strings().authorize;
    const name = request.clientName;
    const card = show('shield', t.title(name), h('p', { class: 'loading', role: 'status' }, t.continuing(name)));
    markBusy(card, true);
    // A max_age the session is older than: the password again (prompt=none: never asked).
    const completed =
      request.prompt === 'none'
        ? ctx.api.completeAuthorization(requestId)
        : withReauth(ctx.api, () => ctx.api.completeAuthorization(requestId), t.reauthBody(name));
    void settle(
      ctx,
      completed.catch((error: unknown) => {
        if (error instanceof Cancelled) return null; // the password prompt was dismissed
        throw error;
      }),
      {
        done: (redirectTo) => {
          if (redirectTo !== null) leave(redirectTo, name);
          else {
            passwordOffered = true; // and dismissed: offered again by the button only
            confirmIdentity(requestId, request, null);
          }
        },
        failed: (error) => {
          if (isRequestGone(error)) expired();
          else if (error instanceof ApiError && error.is(403, 'mfa_setup_required')) {
            if (request.prompt === 'none') cancel(requestId, request, 'login_required');
            else setUpFirst(requestId, request);
          }
          else if (request.prompt === 'none' && isReauthRequired(error)) cancel(requestId, request, 'login_required');
          else failed(error, () => complete(requestId, request));
        },
        // The session ended meanwhile: sign in again (prompt=none: the application hears so).
        unauthenticated: () => {
          if (request.prompt === 'none') cancel(requestId, request, 'login_required');
          else signIn(requestId, request);
        },
      },
    );
  }

  /** The tenant's require_mfa and no second factor yet: an authenticator first, then on. */
  function setUpFirst(requestId: string, request: PendingAuthorization): void {
    const card = setupRequiredCard(ctx, () => complete(requestId, request));
    show(
      'shield',
      strings().setupRequired.title,
      h('p', { class: 'auth-intro' }, strings().authorize.setupIntro(ctx.tenant.name, request.clientName)),
      card,
      h('div', { class: 'auth-links' }, backToApplication(requestId, request)),
    );
  }

  /** Back to the application without signing in (`prompt=none`: without asking). */
  function cancel(requestId: string, request: PendingAuthorization, error: 'login_required'): void {
    loading(strings().authorize.returning(request.clientName));
    void settle(ctx, ctx.api.cancelAuthorization(requestId, error), {
      done: (redirectTo) => leave(redirectTo, request.clientName),
      failed: (err) => (isRequestGone(err) ? expired() : failed(err, () => cancel(requestId, request, error))),
      unauthenticated: () => expired(),
    });
  }

  /** "Back to <application>": the application hears access_denied. */
  function backToApplication(requestId: string, request: PendingAuthorization): HTMLElement {
    const name = request.clientName;
    const error = h('p', { class: 'form-error', role: 'alert' });
    const back = h('button', { type: 'button', class: 'btn-link', 'data-testid': 'back-to-application' }, strings().authorize.back(name));
    back.addEventListener('click', () => {
      say(error, '');
      void withBusy(back, () =>
        settle(ctx, ctx.api.cancelAuthorization(requestId, 'access_denied'), {
          done: (redirectTo) => leave(redirectTo, name),
          failed: (err) => (isRequestGone(err) ? expired() : say(error, describeError(err))),
          unauthenticated: () => expired(),
        }),
      );
    });
    return h('div', { class: 'auth-back' }, back, error);
  }

  // --- signing out for an application -------------------------------------------------

  function confirmSignOut(): void {
    loading(strings().app.loading);
    void settle(ctx, ctx.api.me(), {
      done: (me) => askSignOut(me.username),
      // Nobody to sign out: say so, as after Sign out.
      unauthenticated: () => ctx.go('signin', { flash: 'signedOut', replace: true }),
      failed: (error) => failed(error, confirmSignOut),
    });
  }

  function askSignOut(username: string): void {
    const t = strings().authorize;
    const error = h('p', { class: 'form-error', role: 'alert' });
    const stay = h('button', { type: 'button', class: 'btn btn-secondary' }, t.staySignedIn);
    const signOut = h('button', { type: 'button', class: 'btn btn-primary' }, t.signOut);
    show(
      'signOut',
      t.signOutTitle,
      h('p', { class: 'auth-intro' }, t.signOutBody(ctx.tenant.name)),
      h('p', { class: 'auth-who' }, t.signedInAs(username)),
      error,
      h('div', { class: 'auth-actions' }, stay, signOut),
    );
    const signedOut = (): void => {
      ctx.sessionHint.forget();
      ctx.go('signin', { flash: 'signedOut', replace: true });
    };
    signOut.addEventListener('click', () => {
      say(error, '');
      void withBusy(signOut, () =>
        settle(ctx, ctx.api.logout(), {
          done: signedOut,
          unauthenticated: signedOut,
          failed: (err) => say(error, describeError(err)),
        }),
      );
    });
    stay.addEventListener('click', () => ctx.go('account', { replace: true }));
  }

  switch (task.kind) {
    case 'authorize':
      authorize(task.requestId);
      return;
    case 'unknownRequest':
      expired();
      return;
    case 'authorizeError':
      refused(task.code, task.shown);
      return;
    case 'signOut':
      confirmSignOut();
      return;
  }
}
