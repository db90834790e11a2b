// Native modal <dialog>s: open with focus inside, close with focus back on the
// element that opened them, removed from the DOM once closed.

import { h, uid } from './dom.js';
import { Cancelled } from './messages.js';
import { refocus, say, withBusy } from './ui.js';

/** Shows `dialog` modally; resolves on close, after the dialog left the DOM and focus went back. */
export function openModal(dialog: HTMLDialogElement, opener: HTMLElement | null): Promise<void> {
  const returnTo = opener ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        dialog.remove();
        refocus(returnTo, null);
        resolve();
      },
      { once: true },
    );
    dialog.showModal();
  });
}

/**
 * Resolves once no modal window is open. A redraw of the page (a new language)
 * waits for it: it must not take a dialog away, the one-time codes window least of all.
 */
export async function noDialogOpen(): Promise<void> {
  for (let open = openDialog(); open !== null; open = openDialog()) {
    const closing = open;
    await new Promise((resolve) => closing.addEventListener('close', resolve, { once: true }));
  }
}

function openDialog(): HTMLDialogElement | null {
  return document.querySelector<HTMLDialogElement>('dialog[open]');
}

/** Escape must not close a dialog while its request runs: the answer would be lost. */
export function keepOpenWhileBusy(dialog: HTMLDialogElement, isBusy: () => boolean): void {
  dialog.addEventListener('cancel', (event) => {
    if (isBusy()) event.preventDefault();
  });
}

export type ConfirmOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'cancelled' }
  | { kind: 'failed'; error: unknown };

/** A confirmation window's words (strings().regenerateDialog, strings().removeDialog). */
export interface ConfirmTexts {
  title: string;
  body: string;
  confirm: string;
  cancel: string;
}

export interface ConfirmOptions<T> {
  texts: ConfirmTexts;
  danger?: boolean;
  testId: string;
  opener: HTMLElement | null;
  /** Runs when the user confirms; the dialog stays open, busy, until it settles. */
  action: () => Promise<T>;
  /** A message to show in the dialog (it stays open), or null to close it and hand the error back. */
  onError: (error: unknown) => string | null;
}

/** A confirmation window: Cancel (focused first, Escape) or the confirm button that runs `action`. */
export async function confirmDialog<T>(options: ConfirmOptions<T>): Promise<ConfirmOutcome<T>> {
  const { texts } = options;
  const titleId = uid('confirm-title');
  const bodyId = uid('confirm-body');
  const error = h('p', { class: 'dialog-error', role: 'alert' });
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary', autofocus: true }, texts.cancel);
  const confirm = h(
    'button',
    { type: 'button', class: options.danger ? 'btn btn-danger' : 'btn btn-primary' },
    texts.confirm,
  );
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId, 'data-testid': options.testId },
    h('h2', { id: titleId, class: 'dialog-title' }, texts.title),
    h('p', { id: bodyId }, texts.body),
    error,
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );

  let outcome: ConfirmOutcome<T> = { kind: 'cancelled' };
  let busy = false;
  keepOpenWhileBusy(dialog, () => busy);
  cancel.addEventListener('click', () => dialog.close());
  confirm.addEventListener('click', () => {
    say(error, '');
    busy = true;
    cancel.disabled = true;
    void withBusy(confirm, options.action)
      .then(
        (value) => {
          outcome = { kind: 'done', value };
          dialog.close();
        },
        (err: unknown) => {
          if (err instanceof Cancelled) return;
          const message = options.onError(err);
          if (message === null) {
            outcome = { kind: 'failed', error: err };
            dialog.close();
          } else {
            say(error, message);
          }
        },
      )
      .finally(() => {
        busy = false;
        cancel.disabled = false;
      });
  });

  await openModal(dialog, options.opener);
  return outcome;
}
