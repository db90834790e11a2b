// Recovery Options › Backup codes: status, and add (+), regenerate (refresh
// icon → Regenerate), remove (trash icon → Remove).

import { ApiError, type BackupCodesStatus, type ErrorCode, type Generation, type Me, type NewBackupCodes } from '../api.js';
import { parseTimestamp } from '../dates.js';
import { confirmDialog, type ConfirmOutcome, type ConfirmTexts } from '../dialogs.js';
import { fill, h, srOnly } from '../dom.js';
import { icon } from '../icons.js';
import { loader, reportFailure } from '../load.js';
import { describeError, isUnauthenticated } from '../messages.js';
import { withReauth } from '../reauth.js';
import type { Catalogue } from '../i18n/catalogue.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, returnFocus, say, withBusy } from '../ui.js';
import { showCodesDialog } from './codes-dialog.js';
import type { ViewContext } from './context.js';
import { codesDetails, type CodesDetails, type UsageRow } from './models.js';
import { factorCardFrame, iconButton, timeText, type FactorCardFrame } from './widgets.js';

export interface BackupCodesCard {
  element: HTMLElement;
  reload(): Promise<void>;
  /** The regenerate flow, started from elsewhere (the "few codes left" notice). */
  regenerate(opener: HTMLElement): Promise<void>;
  /** The add flow, started from elsewhere (the offer after a first authenticator). */
  add(): Promise<void>;
}

/** Errors that mean the page shows a stale state: explain, then reload the status. */
const STALE_STATE = {
  generation_mismatch: 'generationMismatch',
  already_enabled: 'alreadyEnabled',
  not_enabled: 'notEnabledAnymore',
} as const satisfies Partial<Record<ErrorCode, keyof Catalogue['codes']>>;

type StaleCode = keyof typeof STALE_STATE;

function isStale(error: unknown): error is ApiError & { code: StaleCode } {
  return error instanceof ApiError && error.code in STALE_STATE && (error.status === 409 || error.status === 404);
}

function staleExplanation(error: ApiError & { code: StaleCode }): string {
  return strings().codes[STALE_STATE[error.code]];
}

/** A confirmed change either shows its error in the window (it stays open) or closes and reports it. */
function keepOpenFor(error: unknown): string | null {
  if (isUnauthenticated(error) || isStale(error)) return null;
  // Under the tenant's require_mfa the last second factor stays: say which one, and what to do.
  return describeError(error, { second_factor_required: strings().lastFactor.codes });
}

interface Confirmation {
  texts: () => ConfirmTexts;
  testId: string;
  danger?: boolean;
}

const REGENERATE: Confirmation = { texts: () => strings().regenerateDialog, testId: 'regenerate-dialog' };
const REMOVE: Confirmation = { texts: () => strings().removeDialog, testId: 'remove-dialog', danger: true };

/** What a change answers: the new codes (add, regenerate), or null (remove). */
type Changed = NewBackupCodes | null;

/** A change that was made: its number, and the refresh that followed it. */
interface Made {
  count: number;
  refreshed: Promise<void>;
}

/** A request's end in the shape of a confirmation's outcome, for a change that asks nothing first. */
async function outcomeOf<T>(task: () => Promise<T>): Promise<ConfirmOutcome<T>> {
  try {
    return { kind: 'done', value: await task() };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

function cardFrame(): FactorCardFrame {
  const t = strings().codes;
  return factorCardFrame('key', 'backup-codes-card', t, t.loading);
}

/** The card's body: how many codes are left, when they were made and used; or that there are none. */
function detailsBody(details: CodesDetails | null): Node[] {
  const t = strings().codes;
  if (!details) return [h('p', { class: 'empty' }, t.notEnabled)];
  const { summary } = details;
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
      h('div', null, h('dt', null, t.created), h('dd', null, timeText(details.created, strings().dates.unknown))),
      h('div', null, h('dt', null, t.lastUsed), h('dd', null, timeText(details.lastUsed, t.neverUsed))),
    ),
    h('h3', { class: 'subheading' }, t.usageHeading),
    usageList(details.usage),
  ];
}

function usageList(rows: UsageRow[]): HTMLElement {
  const t = strings().codes;
  if (rows.length === 0) return h('p', { class: 'empty' }, t.usageEmpty);
  return h(
    'ul',
    { class: 'usage-list', 'aria-label': t.usageCaption, 'data-testid': 'usage-list' },
    rows.map((row) =>
      h(
        'li',
        { class: 'usage' },
        h('span', { class: 'usage-when' }, timeText(row.when, strings().dates.unknown)),
        h('span', { class: 'usage-browser' }, row.browser),
        h('span', { class: 'usage-ip' }, srOnly(`${t.usageIp} `), h('span', { class: 'ip' }, row.ip)),
      ),
    ),
  );
}

/** The card's actions for each state: the buttons are made once by the card. */
interface Actions {
  whenOff: HTMLButtonElement[];
  whenOn: HTMLButtonElement[];
}

/**
 * Shows a status in the frame, redrawing only what changed: the action buttons stay
 * while the state keeps them, so a redraw never swaps the button under a click, or
 * the one a dialog returns focus to.
 */
function statusDisplay(frame: FactorCardFrame, buttons: Actions): {
  show(status: BackupCodesStatus): void;
  showFailure(reason: string, retry: () => Promise<void>): void;
} {
  const t = strings().codes;
  const { element, badge, actions, body } = frame;
  let shownEnabled: boolean | null = null;
  let shownBody = '';

  function showActions(enabled: boolean): void {
    if (enabled === shownEnabled) return;
    shownEnabled = enabled;
    actions.replaceChildren(...(enabled ? buttons.whenOn : buttons.whenOff));
  }

  function showDetails(details: CodesDetails | null): void {
    const signature = JSON.stringify(details);
    if (signature === shownBody) return;
    shownBody = signature;
    fill(body, detailsBody(details));
  }

  return {
    show(status) {
      badge.hidden = false;
      badge.textContent = status.enabled ? t.enabledBadge : t.disabledBadge;
      badge.className = status.enabled ? 'badge badge-on' : 'badge badge-off';
      preservingFocus(element, () => {
        showActions(status.enabled);
        showDetails(codesDetails(status, new Date()));
      });
    },
    showFailure(reason, retry) {
      badge.hidden = true;
      actions.replaceChildren();
      shownEnabled = null;
      shownBody = '';
      const again = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, strings().app.retry);
      again.addEventListener('click', () => void withBusy(again, retry));
      body.replaceChildren(h('div', { class: 'load-failed' }, h('p', null, t.loadFailed, ' ', reason), again));
    },
  };
}

export function backupCodesCard(ctx: ViewContext, me: Me, onCodesChanged: () => void): BackupCodesCard {
  const t = strings().codes;
  const frame = cardFrame();
  const { element, heading, actions, statusMessage, errorMessage } = frame;

  /** What the next regenerate sends: from the newest status, or from the newest change's answer. */
  let generation: Generation | null = null;
  /** True from a click until the change is made and its new codes were seen. */
  let working = false;
  /** Changes made so far: the refresh after an older one no longer speaks or moves focus. */
  let changesMade = 0;

  const addButton = iconButton('plus', t.add, 'add-codes', (b) => void add(b));
  const display = statusDisplay(frame, {
    whenOff: [addButton],
    whenOn: [
      iconButton('refresh', t.regenerate, 'regenerate-codes', (b) => void regenerate(b)),
      iconButton('trash', t.remove, 'remove-codes', (b) => void remove(b), 'danger'),
    ],
  });

  const statusLoader = loader(ctx, {
    read: () => ctx.api.backupCodesStatus(),
    show: (fresh) => {
      generation = fresh.generation;
      display.show(fresh);
    },
    failed: (error) => {
      generation = null;
      display.showFailure(describeError(error), reload);
    },
    busy: (busy) => markBusy(element, busy),
  });
  const reload = (): Promise<void> => statusLoader.reload();

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
        say(errorMessage, staleExplanation(failure));
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

  /** One change at a time: a click while another change is under way does nothing (null). */
  async function exclusively<T>(task: () => Promise<T>): Promise<T | null> {
    if (working) return null;
    working = true;
    try {
      return await task();
    } finally {
      working = false;
    }
  }

  /**
   * A change: asked and made under the lock, which ends when the new codes window
   * closes, so a click right after it is the next change rather than dropped. Both
   * cards refresh behind the window; then the card says what happened.
   */
  async function change(opener: HTMLElement, obtain: () => Promise<ConfirmOutcome<Changed>>, done: string): Promise<void> {
    const made = await exclusively(() => makeChange(opener, obtain));
    if (made === null) return;
    await made.refreshed;
    if (made.count !== changesMade) return; // a newer change says what happened, and places focus
    say(statusMessage, done);
    returnFocus(opener, actionSlot());
  }

  async function makeChange(opener: HTMLElement, obtain: () => Promise<ConfirmOutcome<Changed>>): Promise<Made | null> {
    clearMessages();
    const outcome = await obtain();
    if (outcome.kind === 'failed') report(outcome.error);
    if (outcome.kind !== 'done') return null;
    const made = recordChange(outcome.value);
    if (outcome.value) await showCodes(outcome.value, opener);
    return made;
  }

  /**
   * A change is made: its answer carries the new generation (for a regenerate right
   * after), and both cards read again at once; a read sent before now is dropped.
   */
  function recordChange(value: Changed): Made {
    generation = value ? value.generation : null;
    changesMade += 1;
    onCodesChanged();
    return { count: changesMade, refreshed: reload() };
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
      confirmDialog({ ...asked, texts: asked.texts(), opener, action: () => withReauth(ctx.api, request), onError: keepOpenFor });
    return change(opener, obtain, done);
  }

  function add(button: HTMLButtonElement): Promise<void> {
    const request = (): Promise<Changed> => withBusy(button, () => withReauth(ctx.api, () => ctx.api.addBackupCodes()));
    return change(button, () => outcomeOf(request), t.added);
  }

  function regenerate(opener: HTMLElement): Promise<void> {
    return confirmThenChange(opener, REGENERATE, () => ctx.api.regenerateBackupCodes(generation), t.regenerated);
  }

  function remove(opener: HTMLElement): Promise<void> {
    return confirmThenChange(opener, REMOVE, () => ctx.api.removeBackupCodes().then(() => null), t.removed);
  }

  return { element, reload, regenerate, add: () => add(addButton) };
}
