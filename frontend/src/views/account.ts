// Security › Additional Authentication: the authenticator app, Recovery Options
// (backup codes), sessions and recent activity; or, for a session that a tenant's
// require_mfa keeps to the set-up, only the authenticator set-up.

import { ApiError, type ApiClient, type Me } from '../api.js';
import { confirmDialog } from '../dialogs.js';
import { loader } from '../load.js';
import { describeError } from '../messages.js';
import { fill, h } from '../dom.js';
import { icon } from '../icons.js';
import { strings } from '../strings.js';
import { markBusy, withBusy } from '../ui.js';
import { backupCodesCard, type BackupCodesCard } from './backup-codes.js';
import type { Handoff, ViewContext } from './context.js';
import { activityCard } from './activity.js';
import { authenticatorCard, setupRequiredCard } from './authenticator.js';
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

/** The signed-in user, and whether the session is good only for setting up an authenticator. */
interface Account {
  me: Me;
  setupRequired: boolean;
}

/**
 * GET /me, and for a user without a second factor whether the tenant requires one:
 * such a session gets 403 mfa_setup_required from every other route.
 */
async function readAccount(api: ApiClient): Promise<Account> {
  const me = await api.me();
  if (me.factors.totp || me.factors.backupCodes) return { me, setupRequired: false };
  try {
    await api.backupCodesStatus();
    return { me, setupRequired: false };
  } catch (error) {
    if (error instanceof ApiError && error.is(403, 'mfa_setup_required')) return { me, setupRequired: true };
    throw error;
  }
}

/** After a first authenticator: "Add backup codes too?", which leads to the codes window. */
async function offerBackupCodes(codes: BackupCodesCard): Promise<void> {
  const outcome = await confirmDialog({
    texts: strings().codesOffer,
    testId: 'codes-offer-dialog',
    opener: null,
    action: () => Promise.resolve(),
    onError: () => null,
  });
  if (outcome.kind === 'done') await codes.add();
}

export function renderAccount(ctx: ViewContext, root: HTMLElement, handoff: Handoff): void {
  const t = strings().account;
  let content = accountFrame();
  /** Set once a require_mfa set-up was confirmed: the page then offers backup codes. */
  let offerCodes = false;

  function accountFrame(): HTMLElement {
    ctx.setTitle(t.title);
    const frame = h('div', { class: 'page-content', 'aria-busy': 'true' }, h('p', { class: 'loading', role: 'status' }, strings().app.loading));
    root.replaceChildren(
      h(
        'div',
        { class: 'page' },
        breadcrumb(),
        h('h1', { class: 'page-title', tabindex: '-1' }, t.title),
        h('p', { class: 'page-intro' }, t.intro),
        frame,
      ),
    );
    return frame;
  }

  function show({ me, setupRequired }: Account): void {
    if (setupRequired) showSetupOnly(me);
    else showCards(me);
  }

  function showCards(me: Me): void {
    if (!content.isConnected) content = accountFrame();
    ctx.setUser(me.username);
    const sessions = sessionsCard(ctx);
    const activity = activityCard(ctx);
    let notice: HTMLElement | null = null;
    const codes = backupCodesCard(ctx, me, () => {
      // The other sessions were just purged, and the notice's count is stale.
      notice?.remove();
      sessions.reloadAfterPurge();
      activity.reloadAfterChange();
      void totp.reload();
    });
    const totp = authenticatorCard(ctx, me, {
      changed: () => {
        sessions.reloadAfterPurge();
        activity.reloadAfterChange();
      },
      firstSetUp: () => void offerBackupCodes(codes),
    });
    const kept = handoff.notice;
    if (kept) {
      notice = backupNotice(ctx, kept.backupCodesRemaining, codes);
      // Drawn again in another language, the page keeps the notice until it is dismissed.
      ctx.keepForRedraw(() => (notice?.isConnected ? { notice: kept } : {}));
    }
    fill(content, notice, totp.element, codes.element, sessions.element, activity.element);
    void codes.reload();
    void sessions.reload();
    void activity.reload();
    if (offerCodes) {
      offerCodes = false;
      if (!me.factors.backupCodes) void offerBackupCodes(codes);
    }
  }

  /** The tenant requires a second factor and the user has none: the set-up, and Sign out in the header. */
  function showSetupOnly(me: Me): void {
    const s = strings().setupRequired;
    ctx.setUser(me.username);
    ctx.setTitle(s.title);
    const heading = h('h1', { class: 'page-title', tabindex: '-1' }, s.title);
    const card = setupRequiredCard(ctx, () => {
      offerCodes = true;
      content = accountFrame();
      (root.querySelector<HTMLElement>('h1') ?? content).focus();
      void account.reload();
    });
    root.replaceChildren(
      h('div', { class: 'page', 'data-testid': 'setup-required' }, heading, h('p', { class: 'page-intro' }, s.intro(ctx.tenant.name)), card),
    );
    if (ctx.focusOnRender) heading.focus();
  }

  function showRetry(error: unknown): void {
    if (!content.isConnected) content = accountFrame();
    const retry = h('button', { type: 'button', class: 'btn btn-secondary' }, strings().app.retry);
    retry.addEventListener('click', () => void withBusy(retry, () => account.reload()));
    content.replaceChildren(
      h('div', { class: 'card load-failed', role: 'alert' }, h('p', null, t.loadFailed, ' ', describeError(error)), retry),
    );
  }

  const account = loader(ctx, {
    read: () => readAccount(ctx.api),
    show,
    failed: showRetry,
    // Not signed in (or no longer): the sign-in page, which comes back here after.
    unauthenticated: () => ctx.go('signin', { replace: true }),
    busy: (busy) => markBusy(content, busy),
  });

  void account.reload();
}
