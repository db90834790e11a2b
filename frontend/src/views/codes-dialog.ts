// The one time a user sees their backup codes: Download Codes, Copy Codes,
// Print, and Close once they confirm they saved them. When the window closes,
// the codes leave the DOM and this module's variables.

import type { Tenant } from '../api.js';
import { buildClipboardText, buildCodesFileText, codesFileName, formatBackupCode } from '../codes.js';
import { formatDateTime } from '../dates.js';
import { h, uid } from '../dom.js';
import { icon } from '../icons.js';
import { refocus, say } from '../ui.js';
import { strings } from '../strings.js';

export interface CodesDialogOptions {
  /** Taken over by the dialog: emptied when it closes. */
  codes: string[];
  tenant: Tenant;
  username: string;
  created: Date;
  opener: HTMLElement | null;
}

/** Resolves when the user closed the window after confirming the codes were saved. */
export function showCodesDialog(options: CodesDialogOptions): Promise<void> {
  const t = strings().codesDialog;
  let codes: string[] = options.codes.map((c) => formatBackupCode(c));
  options.codes.splice(0);

  const titleId = uid('codes-title');
  const onceId = uid('codes-once');
  const savedId = uid('codes-saved');

  const list = h(
    'ol',
    { class: 'code-list', 'aria-label': t.listLabel, 'data-testid': 'backup-codes-list' },
    codes.map((code) => h('li', null, h('code', { class: 'code' }, code))),
  );
  const status = h('p', { class: 'dialog-status', role: 'status' });
  const download = h('button', { type: 'button', class: 'btn btn-secondary', autofocus: true }, icon('download'), t.download);
  const copy = h('button', { type: 'button', class: 'btn btn-secondary' }, icon('copy'), t.copy);
  const print = h('button', { type: 'button', class: 'btn btn-secondary' }, icon('print'), t.print);
  const saved = h('input', { type: 'checkbox', id: savedId, name: 'saved' });
  const close = h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, t.close);

  const dialog = h(
    'dialog',
    {
      class: 'dialog dialog-wide codes-dialog',
      'aria-labelledby': titleId,
      'aria-describedby': onceId,
      'data-testid': 'codes-dialog',
      'data-keep': 'true',
    },
    h(
      'div',
      { class: 'print-area' },
      h('h2', { id: titleId, class: 'dialog-title' }, t.title),
      h('p', { class: 'codes-meta' }, t.meta(options.username, options.tenant.name, formatDateTime(options.created))),
      h('p', { id: onceId, class: 'codes-once' }, h('strong', null, t.onceEach), ' ', t.shownOnce),
      list,
    ),
    h('div', { class: 'code-actions' }, download, copy, print),
    status,
    h('div', { class: 'check-row' }, saved, h('label', { for: savedId }, t.confirmSaved)),
    h('div', { class: 'dialog-actions' }, close),
  );

  download.addEventListener('click', () => {
    const text = buildCodesFileText({
      tenant: options.tenant.id,
      tenantName: options.tenant.name,
      username: options.username,
      created: options.created,
      codes,
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = h('a', { href: url, download: codesFileName(options.tenant.id, options.username), hidden: true });
    dialog.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say(status, t.downloaded);
  });

  copy.addEventListener('click', () => {
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      say(status, t.copyFailed);
      return;
    }
    clipboard.writeText(buildClipboardText(codes)).then(
      () => say(status, t.copied),
      () => say(status, t.copyFailed),
    );
  });

  print.addEventListener('click', () => window.print());

  saved.addEventListener('change', () => {
    close.disabled = !saved.checked;
    if (saved.checked) say(status, '');
  });

  close.addEventListener('click', () => {
    if (saved.checked) dialog.close();
  });

  // Leaving the page with the codes unsaved loses them for good: let the browser ask.
  const beforeUnload = (event: BeforeUnloadEvent): void => {
    if (!saved.checked) event.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);

  // Escape asks the dialog to cancel: refuse until the codes were confirmed saved.
  dialog.addEventListener('cancel', (event) => {
    if (!saved.checked) {
      event.preventDefault();
      say(status, t.confirmFirst);
      saved.focus();
    }
  });

  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (!saved.checked) {
        // Some browsers close a dialog on a repeated Escape even though `cancel`
        // was refused. The codes are not discarded unconfirmed: show them again.
        dialog.showModal();
        saved.focus();
        say(status, t.confirmFirst);
        return;
      }
      window.removeEventListener('beforeunload', beforeUnload);
      list.replaceChildren();
      codes.splice(0);
      codes = [];
      dialog.remove();
      refocus(options.opener, null);
      resolve();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}
