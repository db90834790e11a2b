// Small pieces shared by the account views.

import { parseTimestamp, formatDate, formatDateTime, formatRelative } from '../dates.js';
import type { Timestamp } from '../api.js';
import { h } from '../dom.js';
import { icon, type IconName } from '../icons.js';
import { strings } from '../strings.js';

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

export type TimeStyle = 'date' | 'datetime' | 'relative' | 'relative+datetime';

/** A <time> element for an API timestamp, or `fallback` text when there is none. */
export function timeText(value: Timestamp | null, style: TimeStyle, fallback: string, now = new Date()): Node {
  const date = parseTimestamp(value);
  if (!date) return document.createTextNode(fallback);
  const absolute = style === 'date' ? formatDate(date) : formatDateTime(date);
  const relative = formatRelative(date, now);
  const text =
    style === 'relative' ? relative : style === 'relative+datetime' ? `${relative} (${absolute})` : absolute;
  return h('time', { datetime: date.toISOString() }, text);
}

export function unknown(value: string | null): string {
  return value ?? strings.dates.unknown;
}
