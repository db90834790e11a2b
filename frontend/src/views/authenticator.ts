// Additional Authentication › Authenticator app: set up (+), replace (refresh),
// remove (trash → Remove). The status is the user's factors (GET /me).

import { ApiError, type Me } from '../api.js';
import { confirmDialog } from '../dialogs.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { loader, reportFailure } from '../load.js';
import { describeError, isUnauthenticated } from '../messages.js';
import { withReauth } from '../reauth.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, returnFocus, say } from '../ui.js';
import type { ViewContext } from './context.js';
import { setUpAuthenticator } from './totp-setup.js';
import { factorCardFrame, iconButton } from './widgets.js';

export interface AuthenticatorCard {
  element: HTMLElement;
  reload(): Promise<void>;
}

export interface AuthenticatorHooks {
  /** An authenticator was set up, replaced or removed: other sessions end, the activity grew. */
  changed(): void;
  /** The user's first second factor of all is on: the page offers backup codes. */
  firstSetUp(): void;
}

type Factors = Me['factors'];

/** The authenticator is already gone (removed elsewhere): explain and show the latest status. */
function isGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'not_enabled';
}

function removeError(error: unknown): string | null {
  if (isUnauthenticated(error) || isGone(error)) return null;
  return describeError(error, { second_factor_required: strings().lastFactor.totp });
}

export function authenticatorCard(ctx: ViewContext, me: Me, hooks: AuthenticatorHooks): AuthenticatorCard {
  const t = strings().authenticator;
  const { element, heading, badge, actions, body, statusMessage, errorMessage } = factorCardFrame(
    'shield',
    'authenticator-card',
    t,
  );

  const whenOff = [iconButton('plus', t.setUp, 'set-up-totp', (b) => void setUp(b))];
  const whenOn = [
    iconButton('refresh', t.replace, 'replace-totp', (b) => void setUp(b)),
    iconButton('trash', t.remove, 'remove-totp', (b) => void remove(b), 'danger'),
  ];

  let factors: Factors = me.factors;
  let shown: boolean | null = null;
  /** One change at a time: a click while one is under way does nothing. */
  let working = false;

  function show(next: Factors): void {
    factors = next;
    badge.textContent = next.totp ? t.enabledBadge : t.disabledBadge;
    badge.className = next.totp ? 'badge badge-on' : 'badge badge-off';
    if (next.totp === shown) return;
    shown = next.totp;
    preservingFocus(element, () => {
      actions.replaceChildren(...(next.totp ? whenOn : whenOff));
      body.replaceChildren(h('p', { class: next.totp ? null : 'empty' }, next.totp ? t.on : t.off));
    });
  }

  const statusLoader = loader(ctx, {
    read: () => ctx.api.me(),
    show: (fresh) => show(fresh.factors),
    failed: (error) => say(errorMessage, `${t.loadFailed} ${describeError(error)}`),
    busy: (busy) => markBusy(element, busy),
  });
  const reload = (): Promise<void> => statusLoader.reload();

  function actionSlot(): HTMLElement {
    return actions.querySelector<HTMLElement>('button:not(:disabled)') ?? heading;
  }

  function report(error: unknown): void {
    reportFailure(ctx, error, {
      failed: (failure) => {
        if (isGone(failure)) {
          say(errorMessage, t.notEnabledAnymore);
          void reload();
        } else {
          say(errorMessage, describeError(failure));
        }
      },
    });
  }

  async function exclusively(task: () => Promise<void>): Promise<void> {
    if (working) return;
    working = true;
    say(statusMessage, '');
    say(errorMessage, '');
    try {
      await task();
    } finally {
      working = false;
    }
  }

  /** After a change: the status is read again, the card says what happened, focus goes back. */
  async function changed(opener: HTMLElement, done: string): Promise<void> {
    hooks.changed();
    await reload();
    say(statusMessage, done);
    returnFocus(opener, actionSlot());
  }

  function setUp(button: HTMLButtonElement): Promise<void> {
    return exclusively(async () => {
      const replacing = factors.totp;
      const firstFactor = !factors.totp && !factors.backupCodes;
      let outcome;
      try {
        outcome = await setUpAuthenticator(ctx.api, button, replacing);
      } catch (error) {
        report(error);
        return;
      }
      if (outcome.kind === 'failed') report(outcome.error);
      if (outcome.kind !== 'confirmed') return;
      await changed(button, replacing ? t.replaced : t.added);
      if (firstFactor && !factors.backupCodes && !ctx.signal.aborted) hooks.firstSetUp();
    });
  }

  function remove(button: HTMLButtonElement): Promise<void> {
    return exclusively(async () => {
      const outcome = await confirmDialog({
        texts: strings().removeTotpDialog,
        danger: true,
        testId: 'remove-totp-dialog',
        opener: button,
        action: () => withReauth(ctx.api, () => ctx.api.removeTotp()),
        onError: removeError,
      });
      if (outcome.kind === 'failed') report(outcome.error);
      if (outcome.kind !== 'done') return;
      await changed(button, t.removed);
    });
  }

  show(me.factors);
  return { element, reload };
}

/** The one thing a session under the tenant's require_mfa may do: set up an authenticator. */
export function setupRequiredCard(ctx: ViewContext, onConfirmed: () => void): HTMLElement {
  const t = strings().setupRequired;
  const errorMessage = h('p', { class: 'card-error', role: 'alert' });
  const start = h('button', { type: 'button', class: 'btn btn-primary' }, icon('shield', 'icon icon-sm'), t.start);
  let working = false;
  start.addEventListener('click', () => {
    if (working) return;
    working = true;
    say(errorMessage, '');
    void setUpAuthenticator(ctx.api, start, false)
      .then((outcome) => {
        if (outcome.kind === 'confirmed') onConfirmed();
        else if (outcome.kind === 'failed') throw outcome.error;
      })
      .catch((error: unknown) => {
        reportFailure(ctx, error, { failed: (failure) => say(errorMessage, describeError(failure)) });
      })
      .finally(() => {
        working = false;
      });
  });
  return h(
    'section',
    { class: 'card setup-required', 'aria-label': strings().authenticator.heading, 'data-testid': 'setup-required-card' },
    h('p', { class: 'card-desc' }, strings().authenticator.description),
    h('div', { class: 'card-actions-row' }, start),
    errorMessage,
  );
}
