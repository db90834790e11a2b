// Small pieces shared by the account views.

import { h } from '../dom.js';
import { icon, type IconName } from '../icons.js';
import type { TimeView } from './models.js';

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
