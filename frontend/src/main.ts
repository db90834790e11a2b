// The entry point: chooses the language, draws the header with its language
// picker, reads the tenant from /t/{tenant}/… and checks that it exists before
// any form is shown; then the app (app.ts) takes over the pages.

import { ApiClient, ApiError, type Tenant } from './api.js';
import { startApp, type App, type Shell } from './app.js';
import { noDialogOpen } from './dialogs.js';
import { byId, h } from './dom.js';
import { chooseLanguage, formattingLocale, storeLanguage, type Language } from './i18n/language.js';
import { languagePicker } from './language-picker.js';
import { describeError } from './messages.js';
import { parsePath } from './router.js';
import { SessionHint } from './session-hint.js';
import { browserStore } from './storage.js';
import { language, strings, useLanguage } from './strings.js';
import { withBusy } from './ui.js';

const store = browserStore();
const shell: Shell = {
  main: byId('main'),
  view: byId('view'),
  userSlot: byId('user-slot'),
  appAlert: byId('app-alert'),
  simplePage,
};
const brandTenant = byId('brand-tenant');

/** Draws what is on screen again after a language change; each screen sets its own. */
let redraw: () => void = () => {};

function speak(next: Language): void {
  useLanguage(next, formattingLocale(next, navigator.languages));
  // index.html carries English defaults for a page without JavaScript; the catalogue wins.
  document.documentElement.lang = next;
  byId('skip-link').textContent = strings().app.skipToContent;
  byId('brand-product').textContent = strings().app.product;
  picker.relabel();
}

/**
 * A language picked in the header: remembered, and the page drawn again in it once
 * no window is open, so that no dialog (the one-time codes window least of all)
 * is taken away from under the user.
 */
async function pick(next: Language): Promise<void> {
  storeLanguage(store, next);
  await noDialogOpen();
  if (next === language() || picker.value() !== next) return; // picked back meanwhile, or again
  speak(next);
  redraw();
}

const picker = languagePicker(chooseLanguage(store, navigator.languages), (next) => void pick(next));
byId('language-slot').replaceChildren(picker.element);

function simplePage(title: string, body: string, link?: { href: string; text: string }): void {
  document.title = title;
  shell.view.replaceChildren(
    h(
      'div',
      { class: 'page' },
      h('h1', { class: 'page-title', tabindex: '-1' }, title),
      h('p', { class: 'page-intro' }, body),
      link ? h('p', null, h('a', { href: link.href, 'data-nav': true }, link.text)) : null,
    ),
  );
}

/** A screen that is drawn again, in the new words, when the language changes. */
function show(screen: () => void): void {
  redraw = screen;
  screen();
}

function checking(): void {
  document.title = strings().app.product;
  shell.view.replaceChildren(h('div', { class: 'page' }, h('p', { class: 'loading', role: 'status' }, strings().app.loading)));
}

/** The check could not be made (offline, overload): say why, and offer to try again. */
function checkFailed(error: unknown, api: ApiClient): void {
  const t = strings().app;
  document.title = t.checkFailed;
  const retry = h('button', { type: 'button', class: 'btn btn-secondary' }, t.retry);
  retry.addEventListener('click', () => void withBusy(retry, () => checkTenant(api)));
  shell.view.replaceChildren(
    h(
      'div',
      { class: 'page' },
      h('h1', { class: 'page-title', tabindex: '-1' }, t.checkFailed),
      h('div', { class: 'card load-failed' }, h('p', { role: 'alert' }, describeError(error)), retry),
    ),
  );
}

/** 404 unknown_tenant, and 400 for an id that cannot be one: the address leads nowhere. */
function isNoSuchTenant(error: unknown): boolean {
  return error instanceof ApiError && (error.is(404, 'unknown_tenant') || error.is(400, 'invalid_request'));
}

async function checkTenant(api: ApiClient): Promise<void> {
  let tenant: Tenant;
  try {
    tenant = await api.tenant();
  } catch (error) {
    if (isNoSuchTenant(error)) show(() => simplePage(strings().app.unknownTenantTitle, strings().app.unknownTenantBody));
    else show(() => checkFailed(error, api));
    return;
  }
  brandTenant.textContent = tenant.name;
  const app: App = startApp(tenant, api, new SessionHint(tenant.id, store), shell);
  redraw = () => app.redraw();
}

function start(): void {
  speak(picker.value());
  const location = parsePath(window.location.pathname);
  if (!location) {
    show(() => simplePage(strings().app.noTenantTitle, strings().app.noTenantBody));
    return;
  }
  show(checking);
  void checkTenant(new ApiClient(location.tenant, (input, init) => window.fetch(input, init)));
}

byId('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  shell.main.focus();
});

start();
