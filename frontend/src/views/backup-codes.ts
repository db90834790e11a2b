// Recovery Options › Backup codes: status, and add (+), regenerate (refresh
// icon → Regenerate), remove (trash icon → Remove).

import { ApiError, type BackupCodesStatus, type Me, type NewBackupCodes } from '../api.js';
import { parseTimestamp } from '../dates.js';
import { confirmDialog } from '../dialogs.js';
import { fill, h, srOnly, uid } from '../dom.js';
import { icon } from '../icons.js';
import { loader, reportFailure } from '../load.js';
import { describeError, isUnauthenticated } from '../messages.js';
import { withReauth } from '../reauth.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, refocus, say, withBusy } from '../ui.js';
import { browserName } from '../useragent.js';
import { showCodesDialog } from './codes-dialog.js';
import type { ViewContext } from './context.js';
import { iconButton, timeText, unknown } from './widgets.js';

export const FEW_CODES_LEFT = 3;

export interface BackupCodesCard {
  element: HTMLElement;
  reload(): Promise<void>;
  /** The regenerate flow, started from elsewhere (the "few codes left" notice). */
  regenerate(opener: HTMLElement): Promise<void>;
}

/** Errors that mean the page shows a stale state: explain, then reload the status. */
const STALE_STATE: Readonly<Record<string, string>> = {
  generation_mismatch: strings.codes.generationMismatch,
  already_enabled: strings.codes.alreadyEnabled,
  not_enabled: strings.codes.notEnabledAnymore,
};

function isStale(error: unknown): error is ApiError {
  return error instanceof ApiError && error.code in STALE_STATE && (error.status === 409 || error.status === 404);
}

export function backupCodesCard(ctx: ViewContext, me: Me, onCodesChanged: () => void): BackupCodesCard {
  const t = strings.codes;
  const headingId = uid('codes-heading');
  const heading = h('h2', { id: headingId, class: 'card-title', tabindex: '-1' }, t.heading);
  const badge = h('span', { class: 'badge', hidden: true });
  const actions = h('div', { class: 'card-actions' });
  const body = h('div', { class: 'card-body' }, h('p', { class: 'loading' }, t.loading));
  const statusMessage = h('p', { class: 'card-status', role: 'status' });
  const errorMessage = h('p', { class: 'card-error', role: 'alert' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': headingId, 'aria-busy': 'true', 'data-testid': 'backup-codes-card' },
    h(
      'div',
      { class: 'card-head' },
      h('div', { class: 'card-head-title' }, h('span', { class: 'card-icon' }, icon('key')), heading, badge),
      actions,
    ),
    h('p', { class: 'card-desc' }, t.description),
    body,
    h('p', { class: 'note' }, icon('info', 'icon icon-sm'), h('span', null, t.sessionsNote)),
    statusMessage,
    errorMessage,
  );

  let status: BackupCodesStatus | null = null;
  let working = false;

  function clearMessages(): void {
    say(statusMessage, '');
    say(errorMessage, '');
  }

  const statusLoader = loader(ctx, {
    read: () => ctx.api.backupCodesStatus(),
    show: (fresh) => {
      status = fresh;
      preservingFocus(element, () => render(fresh));
    },
    failed: (error) => {
      status = null;
      renderLoadFailure(describeError(error));
    },
    busy: (busy) => markBusy(element, busy),
  });
  const reload = (): Promise<void> => statusLoader.reload();

  function renderLoadFailure(reason: string): void {
    badge.hidden = true;
    actions.replaceChildren();
    const retry = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, strings.account.retry);
    retry.addEventListener('click', () => void withBusy(retry, reload));
    body.replaceChildren(h('div', { class: 'load-failed' }, h('p', null, t.loadFailed, ' ', reason), retry));
  }

  function render(s: BackupCodesStatus): void {
    badge.hidden = false;
    badge.textContent = s.enabled ? t.enabledBadge : t.disabledBadge;
    badge.className = s.enabled ? 'badge badge-on' : 'badge badge-off';

    if (!s.enabled) {
      actions.replaceChildren(iconButton('plus', t.add, 'add-codes', (b) => void add(b)));
      body.replaceChildren(h('p', { class: 'empty' }, t.notEnabled));
      return;
    }

    actions.replaceChildren(
      iconButton('refresh', t.regenerate, 'regenerate-codes', (b) => void regenerate(b)),
      iconButton('trash', t.remove, 'remove-codes', (b) => void remove(b), 'danger'),
    );

    const total = Math.max(s.total, s.remaining, 1);
    const tenths = Math.round((s.remaining / total) * 10) * 10;
    const few = s.remaining <= FEW_CODES_LEFT;
    fill(
      body,
      h(
        'div',
        { class: 'codes-summary' },
        h('p', { class: 'codes-count', 'data-testid': 'codes-left' }, t.left(s.remaining, s.total)),
        h(
          'div',
          { class: 'meter', 'aria-hidden': 'true' },
          h('div', { class: `meter-fill fill-${tenths}${few ? ' meter-low' : ''}` }),
        ),
      ),
      few
        ? h('p', { class: 'notice notice-warn' }, icon('warning', 'icon icon-sm'), h('span', null, t.fewLeft(s.remaining)))
        : null,
      h(
        'dl',
        { class: 'facts' },
        h('div', null, h('dt', null, t.created), h('dd', null, timeText(s.createdAt, 'date', strings.dates.unknown))),
        h('div', null, h('dt', null, t.lastUsed), h('dd', null, timeText(s.lastUsedAt, 'relative+datetime', t.neverUsed))),
      ),
      h('h3', { class: 'subheading' }, t.usageHeading),
      usageList(s),
    );
  }

  function usageList(s: BackupCodesStatus): HTMLElement {
    if (s.usage.length === 0) return h('p', { class: 'empty' }, t.usageEmpty);
    const uses = [...s.usage].sort(
      (a, b) => (parseTimestamp(b.at)?.getTime() ?? 0) - (parseTimestamp(a.at)?.getTime() ?? 0),
    );
    return h(
      'ul',
      { class: 'usage-list', 'aria-label': t.usageCaption, 'data-testid': 'usage-list' },
      uses.map((use) =>
        h(
          'li',
          { class: 'usage' },
          h('span', { class: 'usage-when' }, timeText(use.at, 'datetime', strings.dates.unknown)),
          h('span', { class: 'usage-browser' }, browserName(use.userAgent)),
          h('span', { class: 'usage-ip' }, srOnly(`${t.usageIp} `), h('span', { class: 'ip' }, unknown(use.ip))),
        ),
      ),
    );
  }

  /** Reports the error of an action in the card (stale state: explain and reload). */
  function report(error: unknown): void {
    reportFailure(ctx, error, {
      failed: (failure) => {
        if (!isStale(failure)) {
          say(errorMessage, describeError(failure));
          return;
        }
        say(errorMessage, STALE_STATE[failure.code] ?? '');
        void reload();
      },
    });
  }

  /**
   * Where focus goes when the button that started an action is gone (+ after an
   * add, the trash after a remove): the button that took its place, else the heading.
   */
  function actionSlot(): HTMLElement {
    return actions.querySelector<HTMLElement>('button:not(:disabled)') ?? heading;
  }

  async function showNewCodes(fresh: NewBackupCodes, opener: HTMLElement, done: string): Promise<void> {
    await showCodesDialog({
      codes: fresh.codes,
      tenant: ctx.tenant,
      username: me.username,
      created: parseTimestamp(fresh.createdAt) ?? new Date(),
      opener,
    });
    onCodesChanged();
    await reload();
    say(statusMessage, done);
    refocus(opener, actionSlot());
  }

  async function add(button: HTMLButtonElement): Promise<void> {
    if (working) return;
    working = true;
    clearMessages();
    try {
      const fresh = await withBusy(button, () => withReauth(ctx.api, () => ctx.api.addBackupCodes()));
      await showNewCodes(fresh, button, t.added);
    } catch (error) {
      report(error);
    } finally {
      working = false;
    }
  }

  async function regenerate(opener: HTMLElement): Promise<void> {
    if (working) return;
    working = true;
    clearMessages();
    const d = strings.regenerateDialog;
    try {
      const outcome = await confirmDialog({
        title: d.title,
        body: d.body,
        confirmLabel: d.confirm,
        cancelLabel: d.cancel,
        testId: 'regenerate-dialog',
        opener,
        action: () => withReauth(ctx.api, () => ctx.api.regenerateBackupCodes(status?.generation ?? null)),
        onError: (error) => (isUnauthenticated(error) || isStale(error) ? null : describeError(error)),
      });
      if (outcome.kind === 'done') await showNewCodes(outcome.value, opener, t.regenerated);
      else if (outcome.kind === 'failed') report(outcome.error);
    } finally {
      working = false;
    }
  }

  async function remove(opener: HTMLElement): Promise<void> {
    if (working) return;
    working = true;
    clearMessages();
    const d = strings.removeDialog;
    try {
      const outcome = await confirmDialog({
        title: d.title,
        body: d.body,
        confirmLabel: d.confirm,
        cancelLabel: d.cancel,
        danger: true,
        testId: 'remove-dialog',
        opener,
        action: () => withReauth(ctx.api, () => ctx.api.removeBackupCodes()),
        onError: (error) => (isUnauthenticated(error) || isStale(error) ? null : describeError(error)),
      });
      if (outcome.kind === 'done') {
        onCodesChanged();
        await reload();
        say(statusMessage, t.removed);
        refocus(opener, actionSlot());
      } else if (outcome.kind === 'failed') {
        report(outcome.error);
      }
    } finally {
      working = false;
    }
  }

  return { element, reload, regenerate };
}
