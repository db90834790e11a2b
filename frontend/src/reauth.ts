// "Confirm your password to continue": the answer to 403 reauthentication_required.
// The action that met it runs again by itself once the password is confirmed.

import { ApiError, type ApiClient } from './api.js';
import { h, uid } from './dom.js';
import { keepOpenWhileBusy, openModal } from './dialogs.js';
import { Cancelled, describeError, isUnauthenticated } from './messages.js';
import { strings } from './strings.js';
import { say, withBusy } from './ui.js';

export function isReauthRequired(error: unknown): boolean {
  return error instanceof ApiError && error.is(403, 'reauthentication_required');
}

/** Runs `action`; when the server asks for a fresh password, asks for it and runs it again. */
export async function withReauth<T>(api: ApiClient, action: () => Promise<T>, body?: string): Promise<T> {
  for (let prompts = 0; ; prompts += 1) {
    try {
      return await action();
    } catch (error) {
      if (!isReauthRequired(error) || prompts >= 2) throw error;
      await promptPassword(api, body);
    }
  }
}

/**
 * Resolves once the password was confirmed; rejects with Cancelled when the
 * user cancels, or with the ApiError when the session itself is gone. `body`
 * says why it is asked (by default: before a change to codes or sessions).
 */
export async function promptPassword(api: ApiClient, body: string = strings().reauthDialog.body): Promise<void> {
  const t = strings().reauthDialog;
  const titleId = uid('reauth-title');
  const bodyId = uid('reauth-body');
  const inputId = uid('reauth-password');
  const errorId = uid('reauth-error');

  const input = h('input', {
    id: inputId,
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    autofocus: true,
    'aria-describedby': errorId,
  });
  const error = h('p', { id: errorId, class: 'field-error', role: 'alert' });
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, t.cancel);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t.confirm);
  const form = h(
    'form',
    { novalidate: true },
    h('h2', { id: titleId, class: 'dialog-title' }, t.title),
    h('p', { id: bodyId }, body),
    h('div', { class: 'field' }, h('label', { for: inputId }, t.password), input),
    error,
    h('div', { class: 'dialog-actions' }, cancel, submit),
  );
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId, 'data-testid': 'reauth-dialog' },
    form,
  );

  let busy = false;
  let result: { ok: true } | { ok: false; error: unknown } = { ok: false, error: new Cancelled() };
  keepOpenWhileBusy(dialog, () => busy);
  cancel.addEventListener('click', () => dialog.close());

  const showError = (message: string): void => {
    input.setAttribute('aria-invalid', 'true');
    say(error, message);
    input.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const password = input.value;
    if (password === '') {
      showError(t.passwordRequired);
      return;
    }
    busy = true;
    cancel.disabled = true;
    say(error, '');
    void withBusy(submit, () => api.reauth(password))
      .then(
        () => {
          result = { ok: true };
          input.value = '';
          dialog.close();
        },
        (err: unknown) => {
          if (isUnauthenticated(err)) {
            result = { ok: false, error: err };
            dialog.close();
            return;
          }
          input.value = '';
          showError(
            err instanceof ApiError && err.status === 401 ? t.wrongPassword : describeError(err),
          );
        },
      )
      .finally(() => {
        busy = false;
        cancel.disabled = false;
      });
  });

  await openModal(dialog, null);
  input.value = '';
  if (!result.ok) throw result.error;
}
