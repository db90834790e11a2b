// The authenticator set-up window: the QR code the server drew and the key as text,
// then a current code from the app to confirm it. Used by the authenticator card
// (set up, replace) and by the page that a tenant's require_mfa sends a user to.

import { ApiError, type ApiClient, type TotpSetup } from '../api.js';
import { groupKey, isValidTotp, normaliseTotp } from '../codes.js';
import { formatTime, parseTimestamp } from '../dates.js';
import { keepOpenWhileBusy } from '../dialogs.js';
import { h, uid } from '../dom.js';
import { icon } from '../icons.js';
import { Cancelled, describeError, isUnauthenticated } from '../messages.js';
import { qrImage } from '../qr.js';
import { withReauth } from '../reauth.js';
import { strings } from '../strings.js';
import { refocus, say, withBusy } from '../ui.js';
import { TOTP_INPUT } from './widgets.js';

export type SetupOutcome = { kind: 'confirmed' } | { kind: 'cancelled' } | { kind: 'failed'; error: unknown };

/** The set-up is gone (expired, used up by wrong codes, replaced): only a new one can go on. */
function isSetupGone(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ((error.status === 410 && error.code === 'setup_expired') || (error.status === 404 && error.code === 'no_pending_setup'))
  );
}

/**
 * Starts a set-up (asking for the password first if the sign-in is not recent) and
 * shows it until the user confirms a code or leaves. A failure to start is thrown.
 */
export async function setUpAuthenticator(
  api: ApiClient,
  opener: HTMLButtonElement,
  replacing: boolean,
): Promise<SetupOutcome> {
  const first = await withBusy(opener, () => withReauth(api, () => api.startTotpSetup()));
  return showSetupDialog(api, first, opener, replacing);
}

function showSetupDialog(api: ApiClient, first: TotpSetup, opener: HTMLElement, replacing: boolean): Promise<SetupOutcome> {
  const t = strings().totpSetupDialog;
  const titleId = uid('totp-title');
  const keyIntroId = uid('totp-key-intro');
  const codeId = uid('totp-code');
  const hintId = uid('totp-hint');
  const errorId = uid('totp-error');

  const qr = h('div', { class: 'qr' });
  const key = h('code', { class: 'totp-key', 'data-testid': 'totp-key' });
  const expiry = h('p', { class: 'field-hint' });
  const copyStatus = h('p', { class: 'dialog-status', role: 'status' });
  const copy = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, icon('copy', 'icon icon-sm'), t.copyKey);
  const input = h('input', { id: codeId, ...TOTP_INPUT, 'aria-describedby': `${hintId} ${errorId}` });
  const error = h('p', { id: errorId, class: 'field-error', role: 'alert' });
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, t.cancel);
  const startAgain = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, t.startAgain);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t.confirm);
  const form = h(
    'form',
    { novalidate: true, class: 'totp-setup' },
    h('h2', { id: titleId, class: 'dialog-title' }, replacing ? t.replaceTitle : t.title),
    replacing ? h('p', null, t.replaceNote) : null,
    h('p', null, t.scan),
    qr,
    h('p', { id: keyIntroId }, t.keyIntro),
    h('div', { class: 'totp-key-row' }, key, copy),
    copyStatus,
    expiry,
    h(
      'div',
      { class: 'field' },
      h('label', { for: codeId }, t.codeLabel),
      h('p', { id: hintId, class: 'field-hint' }, t.codeHint),
      input,
    ),
    error,
    h('div', { class: 'dialog-actions' }, cancel, startAgain, submit),
  );
  const dialog = h(
    'dialog',
    { class: 'dialog dialog-wide', 'aria-labelledby': titleId, 'data-testid': 'totp-setup-dialog' },
    form,
  );

  /** The key of the set-up on screen; it leaves this variable and the DOM when the window closes. */
  let secret = '';

  function show(setup: TotpSetup): void {
    secret = setup.secret;
    key.textContent = groupKey(setup.secret);
    const image = qrImage(setup.qrSvg, t.qrLabel);
    qr.replaceChildren(image ?? h('p', { class: 'notice notice-warn' }, t.qrMissing));
    const expires = parseTimestamp(setup.expiresAt);
    expiry.textContent = expires ? t.expires(formatTime(expires)) : '';
    expiry.hidden = expires === null;
    startAgain.hidden = true;
    submit.hidden = false;
    input.disabled = false;
    input.value = '';
    input.removeAttribute('aria-invalid');
  }

  const fail = (message: string): void => {
    input.setAttribute('aria-invalid', 'true');
    say(error, message);
    input.value = '';
    if (!input.disabled) input.focus();
  };

  let busy = false;
  let outcome: SetupOutcome = { kind: 'cancelled' };
  keepOpenWhileBusy(dialog, () => busy);

  /** Runs a request of this window, one at a time, with Cancel held while it runs. */
  async function exclusively(button: HTMLButtonElement, task: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    cancel.disabled = true;
    try {
      await withBusy(button, task);
    } finally {
      busy = false;
      cancel.disabled = false;
    }
  }

  /** The error of a request: the session gone closes the window and hands it back; else it shows here. */
  function failed(err: unknown, explain: (e: unknown) => void): void {
    if (err instanceof Cancelled) return;
    if (isUnauthenticated(err)) {
      outcome = { kind: 'failed', error: err };
      dialog.close();
      return;
    }
    explain(err);
  }

  cancel.addEventListener('click', () => dialog.close());

  copy.addEventListener('click', () => {
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      say(copyStatus, t.keyCopyFailed);
      return;
    }
    clipboard.writeText(secret).then(
      () => say(copyStatus, t.keyCopied),
      () => say(copyStatus, t.keyCopyFailed),
    );
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy || submit.hidden) return;
    const raw = input.value;
    if (!isValidTotp(raw)) {
      fail(t.invalidFormat);
      return;
    }
    say(error, '');
    void exclusively(submit, async () => {
      try {
        await withReauth(api, () => api.confirmTotp(normaliseTotp(raw)));
        outcome = { kind: 'confirmed' };
        dialog.close();
      } catch (err) {
        failed(err, (e) => {
          if (isSetupGone(e)) {
            // Only a new set-up can go on: its key, its QR code.
            submit.hidden = true;
            startAgain.hidden = false;
            input.disabled = true;
            fail(t.expired);
            startAgain.focus();
          } else if (e instanceof ApiError && e.code === 'invalid_code') {
            fail(t.invalidCode);
          } else {
            fail(describeError(e));
          }
        });
      }
    });
  });

  startAgain.addEventListener('click', () => {
    say(error, '');
    void exclusively(startAgain, async () => {
      try {
        show(await withReauth(api, () => api.startTotpSetup()));
        input.focus();
      } catch (err) {
        failed(err, (e) => say(error, describeError(e)));
      }
    });
  });

  show(first);
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        secret = '';
        key.textContent = '';
        qr.replaceChildren();
        dialog.remove();
        refocus(opener, null);
        resolve(outcome);
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}
