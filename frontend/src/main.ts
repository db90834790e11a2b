// The shell: reads the tenant from /t/{tenant}/…, routes with history.pushState,
// owns the header, and hands each view a fresh context.

import { ApiClient } from './api.js';
import { byId, h } from './dom.js';
import { icon } from './icons.js';
import { describeError, isUnauthenticated } from './messages.js';
import { parsePath, pathFor, type PageName, type RouteName } from './router.js';
import { SessionHint } from './session-hint.js';
import { browserStore } from './storage.js';
import { LOCALE, strings } from './strings.js';
import { say, withBusy } from './ui.js';
import { renderAccount } from './views/account.js';
import type { GoOptions, Handoff, View, ViewContext } from './views/context.js';
import { renderSignIn } from './views/signin.js';

const main = byId('main');
const view = byId('view');
const userSlot = byId('user-slot');
const appAlert = byId('app-alert');
const brandTenant = byId('brand-tenant');

// index.html carries English defaults for a page without JavaScript; strings.ts wins.
document.documentElement.lang = LOCALE;
byId('skip-link').textContent = strings.app.skipToContent;
byId('brand-product').textContent = strings.app.product;

const VIEWS: Readonly<Record<PageName, View>> = { signin: renderSignIn, account: renderAccount };

function simplePage(title: string, body: string, link?: { href: string; text: string }): void {
  document.title = title;
  view.replaceChildren(
    h(
      'div',
      { class: 'page' },
      h('h1', { class: 'page-title', tabindex: '-1' }, title),
      h('p', null, body),
      link ? h('p', null, h('a', { href: link.href, 'data-nav': true }, link.text)) : null,
    ),
  );
}

function start(): void {
  const location = parsePath(window.location.pathname);
  if (!location) {
    simplePage(strings.app.noTenantTitle, strings.app.noTenantBody);
    return;
  }
  const tenant = location.tenant;
  brandTenant.textContent = tenant;
  const api = new ApiClient(tenant, (input, init) => window.fetch(input, init));
  const hint = new SessionHint(tenant, browserStore());

  let controller: AbortController | null = null;
  let renderedPath: string | null = null;
  let firstRender = true;

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
      strings.header.signOut,
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
        go('signin', { flash: strings.signIn.signedOut, replace: true });
      });
    });
    userSlot.replaceChildren(
      h(
        'span',
        { class: 'user-name', 'data-testid': 'current-user' },
        h('span', { class: 'sr-only' }, `${strings.header.signedInAs} `),
        username,
      ),
      signOut,
    );
  }

  function go(page: PageName, options: GoOptions = {}): void {
    const { replace, ...handoff } = options;
    const path = pathFor(tenant, page);
    if (replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    render(handoff);
  }

  /** Draws the page of the current address; `handoff` is what the navigation brought. */
  function render(handoff: Handoff = {}): void {
    controller?.abort();
    controller = new AbortController();
    // Dialogs of the view being left go with it; the codes window stays (data-keep)
    // so that a Back press cannot throw away codes the user has not saved.
    for (const dialog of document.querySelectorAll<HTMLDialogElement>('dialog:not([data-keep])')) {
      dialog.close();
    }
    say(appAlert, '');
    renderedPath = window.location.pathname;
    const current = parsePath(window.location.pathname);
    const route: RouteName = current && current.tenant === tenant ? current.route : 'notfound';

    const ctx: ViewContext = {
      tenant,
      api,
      signal: controller.signal,
      focusOnRender: !firstRender,
      sessionHint: hint,
      go,
      setTitle: (title) => {
        document.title = `${title} · ${strings.app.titleSuffix(tenant)}`;
      },
      setUser,
      sessionEnded: () => {
        // The hint stays: another tab of this browser, reloaded, says the same.
        setUser(null);
        go('signin', { flash: strings.signIn.sessionEnded, replace: true });
      },
      focusMain: () => main.focus(),
    };

    if (route !== 'notfound') {
      VIEWS[route](ctx, view, handoff);
    } else {
      setUser(null);
      simplePage(strings.app.notFoundTitle, strings.app.notFoundBody, {
        href: pathFor(tenant, 'account'),
        text: strings.app.notFoundLink,
      });
    }

    // After a navigation, move focus to the new page unless the view placed it.
    if (!firstRender && !main.contains(document.activeElement)) {
      (view.querySelector<HTMLElement>('h1') ?? main).focus();
    }
    firstRender = false;
  }

  window.addEventListener('popstate', () => {
    const next = parsePath(window.location.pathname);
    if (next && next.tenant !== tenant) {
      window.location.reload();
      return;
    }
    // A fragment change (the skip link) also fires popstate: same page, nothing to do.
    // Back and Forward bring no handoff: a message was for the moment it was made.
    if (window.location.pathname !== renderedPath) render();
  });

  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[data-nav]');
    if (!(link instanceof HTMLAnchorElement)) return;
    const target = parsePath(link.pathname);
    if (!target || target.tenant !== tenant || target.route === 'notfound') return;
    event.preventDefault();
    go(target.route);
  });

  render();
}

byId('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

start();
