// The pages of a tenant that exists: pushState routing between sign-in and the
// account page, the header's user area, and a fresh context for each view.

import type { ApiClient, Tenant } from './api.js';
import { pageTask } from './authorize.js';
import { h } from './dom.js';
import { icon } from './icons.js';
import { describeError, isUnauthenticated } from './messages.js';
import { parsePath, pathFor, type PageName, type RouteName } from './router.js';
import type { SessionHint } from './session-hint.js';
import { strings } from './strings.js';
import { say, withBusy } from './ui.js';
import { renderAccount } from './views/account.js';
import { renderPageTask } from './views/authorize.js';
import type { GoOptions, Handoff, View, ViewContext } from './views/context.js';
import { renderSignIn } from './views/signin.js';

const VIEWS: Readonly<Record<PageName, View>> = { signin: renderSignIn, account: renderAccount };

/** The parts of the page (index.html) that the app draws into. */
export interface Shell {
  main: HTMLElement;
  view: HTMLElement;
  userSlot: HTMLElement;
  appAlert: HTMLElement;
  /** A page of its own: a heading, a sentence, maybe a link (also "Page not found"). */
  simplePage(title: string, body: string, link?: { href: string; text: string }): void;
}

export interface App {
  /** Draws the current page again, in the language now active, keeping what the view asked to keep. */
  redraw(): void;
}

export function startApp(tenant: Tenant, api: ApiClient, hint: SessionHint, shell: Shell): App {
  const { main, view, userSlot, appAlert } = shell;

  let controller: AbortController | null = null;
  let renderedPath: string | null = null;
  let firstRender = true;
  let kept: () => Handoff = () => ({});

  function setUser(username: string | null): void {
    if (username === null) {
      userSlot.replaceChildren();
      return;
    }
    hint.remember();
    const signOut = h(
      'button',
      { type: 'button', class: 'btn btn-ghost btn-small' },
      icon('signOut', 'icon icon-sm'),
      strings().header.signOut,
    );
    signOut.addEventListener('click', () => {
      say(appAlert, '');
      void withBusy(signOut, async () => {
        try {
          await api.logout();
        } catch (error) {
          if (!isUnauthenticated(error)) {
            say(appAlert, describeError(error));
            return;
          }
        }
        hint.forget();
        go('signin', { flash: 'signedOut', replace: true });
      });
    });
    userSlot.replaceChildren(
      h(
        'span',
        { class: 'user-name', 'data-testid': 'current-user' },
        h('span', { class: 'sr-only' }, `${strings().header.signedInAs} `),
        username,
      ),
      signOut,
    );
  }

  function go(page: PageName, options: GoOptions = {}): void {
    const { replace, ...handoff } = options;
    const path = pathFor(tenant.id, page);
    if (replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    render(handoff, true);
  }

  /**
   * Draws the page of the current address; `handoff` is what the navigation brought.
   * After a navigation focus moves to the new page; a redraw leaves it where it is.
   */
  function render(handoff: Handoff, moveFocus: boolean): void {
    controller?.abort();
    controller = new AbortController();
    kept = () => ({});
    // Dialogs of the view being left go with it; the codes window stays (data-keep)
    // so that a Back press cannot throw away codes the user has not saved.
    for (const dialog of document.querySelectorAll<HTMLDialogElement>('dialog:not([data-keep])')) {
      dialog.close();
    }
    say(appAlert, '');
    renderedPath = window.location.pathname;
    const current = parsePath(window.location.pathname);
    const route: RouteName = current && current.tenant === tenant.id ? current.route : 'notfound';

    const ctx: ViewContext = {
      tenant,
      api,
      signal: controller.signal,
      focusOnRender: moveFocus && !firstRender,
      sessionHint: hint,
      go,
      setTitle: (title) => {
        // Soft hyphens are for breaking headings; a tab's title has no use for them.
        document.title = `${title.replaceAll('\u00AD', '')} · ${strings().app.titleSuffix(tenant.name)}`;
      },
      setUser,
      sessionEnded: () => {
        // The hint stays: another tab of this browser, reloaded, says the same.
        setUser(null);
        go('signin', { flash: 'sessionEnded', replace: true });
      },
      focusMain: () => main.focus(),
      keepForRedraw: (handoffForRedraw) => {
        kept = handoffForRedraw;
      },
    };

    // The sign-in page sent on an errand by the OpenID Provider (an application's sign-in or sign-out).
    const task = route === 'signin' ? pageTask(window.location.search) : null;
    if (task) {
      renderPageTask(ctx, view, handoff, task);
    } else if (route !== 'notfound') {
      VIEWS[route](ctx, view, handoff);
    } else {
      setUser(null);
      const t = strings().app;
      shell.simplePage(t.notFoundTitle, t.notFoundBody, { href: pathFor(tenant.id, 'account'), text: t.notFoundLink });
    }

    if (ctx.focusOnRender && !main.contains(document.activeElement)) {
      (view.querySelector<HTMLElement>('h1') ?? main).focus();
    }
    firstRender = false;
  }

  window.addEventListener('popstate', () => {
    const next = parsePath(window.location.pathname);
    if (next && next.tenant !== tenant.id) {
      window.location.reload();
      return;
    }
    // A fragment change (the skip link) also fires popstate: same page, nothing to do.
    // Back and Forward bring no handoff: a message was for the moment it was made.
    if (window.location.pathname !== renderedPath) render({}, true);
  });

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[data-nav]');
    if (!(link instanceof HTMLAnchorElement)) return;
    const target = parsePath(link.pathname);
    if (!target || target.tenant !== tenant.id || target.route === 'notfound') return;
    event.preventDefault();
    go(target.route);
  });

  render({}, false);
  return { redraw: () => render(kept(), false) };
}
