// Security › Additional Authentication › Recovery Options.

import type { Me } from '../api.js';
import { loader } from '../load.js';
import { describeError } from '../messages.js';
import { fill, h } from '../dom.js';
import { icon } from '../icons.js';
import { strings } from '../strings.js';
import { markBusy, withBusy } from '../ui.js';
import { backupCodesCard, type BackupCodesCard } from './backup-codes.js';
import type { Handoff, ViewContext } from './context.js';
import { FEW_CODES_LEFT } from './models.js';
import { sessionsCard } from './sessions.js';

function breadcrumb(): HTMLElement {
  const t = strings().account;
  return h(
    'nav',
    { class: 'breadcrumb', 'aria-label': t.breadcrumbLabel },
    h(
      'ol',
      null,
      h('li', null, t.crumbSecurity),
      h('li', null, t.crumbAdditional),
      h('li', null, h('span', { 'aria-current': 'page' }, t.crumbRecovery)),
    ),
  );
}

/** After a sign-in with a backup code: how many are left, and a nudge when few are. */
function backupNotice(ctx: ViewContext, remaining: number, codes: BackupCodesCard): HTMLElement {
  const t = strings().backupNotice;
  const few = remaining <= FEW_CODES_LEFT;
  const dismiss = h('button', { type: 'button', class: 'btn-link' }, t.dismiss);
  const regenerate = few
    ? h('button', { type: 'button', class: 'btn btn-primary btn-small' }, t.regenerateNow)
    : null;
  const notice = h(
    'div',
    { class: few ? 'banner banner-warn' : 'banner banner-info', role: 'status', 'data-testid': 'backup-notice' },
    icon(few ? 'warning' : 'info'),
    h(
      'div',
      { class: 'banner-text' },
      h('p', null, t.remaining(remaining)),
      few ? h('p', null, t.regenerateAdvice) : null,
      h('div', { class: 'banner-actions' }, regenerate, dismiss),
    ),
  );
  dismiss.addEventListener('click', () => {
    notice.remove();
    ctx.focusMain();
  });
  regenerate?.addEventListener('click', () => void codes.regenerate(regenerate));
  return notice;
}

export function renderAccount(ctx: ViewContext, root: HTMLElement, handoff: Handoff): void {
  const t = strings().account;
  ctx.setTitle(t.title);

  const content = h('div', { class: 'page-content', 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, strings().app.loading));
  root.replaceChildren(
    h(
      'div',
      { class: 'page' },
      breadcrumb(),
      h('h1', { class: 'page-title', tabindex: '-1' }, t.title),
      h('p', { class: 'page-intro' }, t.intro),
      content,
    ),
  );

  function showCards(me: Me): void {
    ctx.setUser(me.username);
    const sessions = sessionsCard(ctx);
    let notice: HTMLElement | null = null;
    const codes = backupCodesCard(ctx, me, () => {
      // The other sessions were just purged, and the notice's count is stale.
      notice?.remove();
      sessions.reloadAfterPurge();
    });
    const kept = handoff.notice;
    if (kept) {
      notice = backupNotice(ctx, kept.backupCodesRemaining, codes);
      // Drawn again in another language, the page keeps the notice until it is dismissed.
      ctx.keepForRedraw(() => (notice?.isConnected ? { notice: kept } : {}));
    }
    fill(content, notice, codes.element, sessions.element);
    void codes.reload();
    void sessions.reload();
  }

  function showRetry(error: unknown): void {
    const retry = h('button', { type: 'button', class: 'btn btn-secondary' }, strings().app.retry);
    retry.addEventListener('click', () => void withBusy(retry, () => account.reload()));
    content.replaceChildren(
      h('div', { class: 'card load-failed', role: 'alert' }, h('p', null, t.loadFailed, ' ', describeError(error)), retry),
    );
  }

  const account = loader(ctx, {
    read: () => ctx.api.me(),
    show: showCards,
    failed: showRetry,
    // Not signed in (or no longer): the sign-in page, which comes back here after.
    unauthenticated: () => ctx.go('signin', { replace: true }),
    busy: (busy) => markBusy(content, busy),
  });

  void account.reload();
}
