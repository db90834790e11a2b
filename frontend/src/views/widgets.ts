// Small pieces shared by the account views.

import { h, uid } from '../dom.js';
import { icon, type IconName } from '../icons.js';
import type { TimeView } from './models.js';

/** The attributes of a field for an authenticator app's code (6 digits; spaces allowed). */
export const TOTP_INPUT = {
  name: 'totp',
  type: 'text',
  inputmode: 'numeric',
  autocomplete: 'one-time-code',
  pattern: '[0-9 ]*',
  maxlength: '8',
  spellcheck: 'false',
  required: true,
  class: 'input-code',
} as const;

/** An icon-only button; its accessible name (also its tooltip) is `label`. */
export function iconButton(
  name: IconName,
  label: string,
  focusKey: string,
  onClick: (button: HTMLButtonElement) => void,
  variant: 'default' | 'danger' = 'default',
): HTMLButtonElement {
  const button = h(
    'button',
    {
      type: 'button',
      class: variant === 'danger' ? 'icon-btn icon-btn-danger' : 'icon-btn',
      'aria-label': label,
      'data-focus-key': focusKey,
    },
    icon(name),
  );
  button.addEventListener('click', () => onClick(button));
  return button;
}

/** A <time> element for a time the page shows, or `fallback` text when there is none. */
export function timeText(time: TimeView | null, fallback: string): Node {
  return time ? h('time', { datetime: time.iso }, time.text) : document.createTextNode(fallback);
}

/** A second factor's card: its fixed frame, and the parts of it that change. */
export interface FactorCardFrame {
  element: HTMLElement;
  heading: HTMLElement;
  badge: HTMLElement;
  actions: HTMLElement;
  body: HTMLElement;
  statusMessage: HTMLElement;
  errorMessage: HTMLElement;
}

export interface FactorCardText {
  heading: string;
  description: string;
  /** That a change signs the user out of their other sessions. */
  sessionsNote: string;
}

/**
 * The frame both second factors' cards share: heading, badge and actions, the
 * description, the body, the note on sessions, and live regions for news and errors.
 * `loading` (text) marks the card busy until its first status arrives.
 */
export function factorCardFrame(mark: IconName, testId: string, t: FactorCardText, loading?: string): FactorCardFrame {
  const headingId = uid(`${testId}-heading`);
  const heading = h('h2', { id: headingId, class: 'card-title', tabindex: '-1' }, t.heading);
  const badge = h('span', { class: 'badge', hidden: loading !== undefined });
  const actions = h('div', { class: 'card-actions' });
  const body = h('div', { class: 'card-body' }, loading === undefined ? null : h('p', { class: 'loading' }, loading));
  const statusMessage = h('p', { class: 'card-status', role: 'status' });
  const errorMessage = h('p', { class: 'card-error', role: 'alert' });
  const busy = loading === undefined ? {} : { 'aria-busy': 'true' };
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': headingId, ...busy, 'data-testid': testId },
    h(
      'div',
      { class: 'card-head' },
      h('div', { class: 'card-head-title' }, h('span', { class: 'card-icon' }, icon(mark)), heading, badge),
      actions,
    ),
    h('p', { class: 'card-desc' }, t.description),
    body,
    h('p', { class: 'note' }, icon('info', 'icon icon-sm'), h('span', null, t.sessionsNote)),
    statusMessage,
    errorMessage,
  );
  return { element, heading, badge, actions, body, statusMessage, errorMessage };
}
