// Recovery Options › Backup codes: status, and add (+), regenerate (refresh
// icon → Regenerate), remove (trash icon → Remove).

import { ApiError, type BackupCodesStatus, type Me, type NewBackupCodes } from '../api.js';
import { parseTimestamp } from '../dates.js';
import { confirmDialog, type ConfirmOutcome, type ConfirmTexts } from '../dialogs.js';
import { fill, h, srOnly, uid } from '../dom.js';
import { icon } from '../icons.js';
import { loader, reportFailure } from '../load.js';
import { describeError, isUnauthenticated } from '../messages.js';
import { withReauth } from '../reauth.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, refocus, say, withBusy } from '../ui.js';
import { showCodesDialog } from './codes-dialog.js';
import type { ViewContext } from './context.js';
import { codesSummary, timeView, usageRows } from './models.js';
import { iconButton, timeText } from './widgets.js';

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

/** A confirmed change either shows its error in the window (it stays open) or closes and reports it. */
function keepOpenFor(error: unknown): string | null {
  return isUnauthenticated(error) || isStale(error) ? null : describeError(error);
}

interface Confirmation {
  texts: ConfirmTexts;
  testId: string;
  danger?: boolean;
}

const REGENERATE: Confirmation = { texts: strings.regenerateDialog, testId: 'regenerate-dialog' };
const REMOVE: Confirmation = { texts: strings.removeDialog, testId: 'remove-dialog', danger: true };

/** What a change answers: the new codes (add, regenerate), or null (remove). */
type Changed = NewBackupCodes | null;

/** A request's end in the shape of a confirmation's outcome, for a change that asks nothing first. */
async function outcomeOf<T>(task: () => Promise<T>): Promise<ConfirmOutcome<T>> {
  try {
    return { kind: 'done', value: await task() };
  } catch (error) {
    return { kind: 'failed', error };
  }
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
    renderActions(s.enabled);
    if (s.enabled) fill(body, ...enabledBody(s));
    else body.replaceChildren(h('p', { class: 'empty' }, t.notEnabled));
  }

  function renderActions(enabled: boolean): void {
    if (!enabled) {
      actions.replaceChildren(iconButton('plus', t.add, 'add-codes', (b) => void add(b)));
      return;
    }
    actions.replaceChildren(
      iconButton('refresh', t.regenerate, 'regenerate-codes', (b) => void regenerate(b)),
      iconButton('trash', t.remove, 'remove-codes', (b) => void remove(b), 'danger'),
    );
  }

  function enabledBody(s: BackupCodesStatus): Node[] {
    const now = new Date();
    const summary = codesSummary(s);
    return [
      h(
        'div',
        { class: 'codes-summary' },
        h('p', { class: 'codes-count', 'data-testid': 'codes-left' }, summary.label),
        h(
          'div',
          { class: 'meter', 'aria-hidden': 'true' },
          h('div', { class: `meter-fill fill-${summary.tenths}${summary.few ? ' meter-low' : ''}` }),
        ),
      ),
      ...(summary.warning
        ? [h('p', { class: 'notice notice-warn' }, icon('warning', 'icon icon-sm'), h('span', null, summary.warning))]
        : []),
      h(
        'dl',
        { class: 'facts' },
        h('div', null, h('dt', null, t.created), h('dd', null, timeText(timeView(s.createdAt, 'date', now), strings.dates.unknown))),
        h('div', null, h('dt', null, t.lastUsed), h('dd', null, timeText(timeView(s.lastUsedAt, 'relative+datetime', now), t.neverUsed))),
      ),
      h('h3', { class: 'subheading' }, t.usageHeading),
      usageList(s, now),
    ];
  }

  function usageList(s: BackupCodesStatus, now: Date): HTMLElement {
    const rows = usageRows(s.usage, now);
    if (rows.length === 0) return h('p', { class: 'empty' }, t.usageEmpty);
    return h(
      'ul',
      { class: 'usage-list', 'aria-label': t.usageCaption, 'data-testid': 'usage-list' },
      rows.map((row) =>
        h(
          'li',
          { class: 'usage' },
          h('span', { class: 'usage-when' }, timeText(row.when, strings.dates.unknown)),
          h('span', { class: 'usage-browser' }, row.browser),
          h('span', { class: 'usage-ip' }, srOnly(`${t.usageIp} `), h('span', { class: 'ip' }, row.ip)),
        ),
      ),
    );
  }

  function clearMessages(): void {
    say(statusMessage, '');
    say(errorMessage, '');
  }

  /** Reports the error of a change in the card (stale state: explain and reload). */
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
   * Where focus goes when the button that started a change is gone (+ after an
   * add, the trash after a remove): the button that took its place, else the heading.
   */
  function actionSlot(): HTMLElement {
    return actions.querySelector<HTMLElement>('button:not(:disabled)') ?? heading;
  }

  /** One change at a time: a click while another change is under way does nothing. */
  async function exclusively(task: () => Promise<void>): Promise<void> {
    if (working) return;
    working = true;
    try {
      await task();
    } finally {
      working = false;
    }
  }

  /** Gets the change done (`obtain` asks and requests), shows new codes, then the new status. */
  function change(opener: HTMLElement, obtain: () => Promise<ConfirmOutcome<Changed>>, done: string): Promise<void> {
    return exclusively(async () => {
      clearMessages();
      const outcome = await obtain();
      if (outcome.kind === 'failed') report(outcome.error);
      if (outcome.kind !== 'done') return;
      if (outcome.value) await showCodes(outcome.value, opener);
      onCodesChanged();
      await reload();
      say(statusMessage, done);
      refocus(opener, actionSlot());
    });
  }

  function showCodes(fresh: NewBackupCodes, opener: HTMLElement): Promise<void> {
    return showCodesDialog({
      codes: fresh.codes,
      tenant: ctx.tenant,
      username: me.username,
      created: parseTimestamp(fresh.createdAt) ?? new Date(),
      opener,
    });
  }

  /** The confirm-then-act changes: a confirmation window whose confirm button runs the request. */
  function confirmThenChange(opener: HTMLElement, asked: Confirmation, request: () => Promise<Changed>, done: string): Promise<void> {
    const obtain = (): Promise<ConfirmOutcome<Changed>> =>
      confirmDialog({ ...asked, opener, action: () => withReauth(ctx.api, request), onError: keepOpenFor });
    return change(opener, obtain, done);
  }

  function add(button: HTMLButtonElement): Promise<void> {
    const request = (): Promise<Changed> => withBusy(button, () => withReauth(ctx.api, () => ctx.api.addBackupCodes()));
    return change(button, () => outcomeOf(request), t.added);
  }

  function regenerate(opener: HTMLElement): Promise<void> {
    return confirmThenChange(opener, REGENERATE, () => ctx.api.regenerateBackupCodes(status?.generation ?? null), t.regenerated);
  }

  function remove(opener: HTMLElement): Promise<void> {
    return confirmThenChange(opener, REMOVE, () => ctx.api.removeBackupCodes().then(() => null), t.removed);
  }

  return { element, reload, regenerate };
}
