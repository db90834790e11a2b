// Recent security activity: the user's own audit trail (GET /me/activity).

import { h, srOnly, uid } from '../dom.js';
import { icon } from '../icons.js';
import { loader } from '../load.js';
import { describeError } from '../messages.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, withBusy } from '../ui.js';
import type { ViewContext } from './context.js';
import { activityRows, type ActivityRow } from './models.js';
import { iconButton } from './widgets.js';

export interface ActivityCard {
  element: HTMLElement;
  reload(): Promise<void>;
  /** After a change: its event is written from the DynamoDB stream, moments later. */
  reloadAfterChange(): void;
}

/** When to look again after a change: the stream's record usually lands within a second or two, later on a busy machine. */
const CHANGE_SETTLE_MS = [1500, 4000, 8000, 15000];

function activityItem(row: ActivityRow): HTMLLIElement {
  const t = strings().activity;
  return h(
    'li',
    { class: 'activity' },
    h('p', { class: 'activity-what' }, row.what),
    h(
      'p',
      { class: 'activity-meta' },
      row.when ? h('time', { datetime: row.when.iso, title: row.at }, row.when.text) : null,
      row.browser ? h('span', null, row.browser) : null,
      row.ip ? h('span', null, srOnly(`${t.ip} `), h('span', { class: 'ip' }, row.ip)) : null,
      row.by ? h('span', null, row.by) : null,
    ),
  );
}

export function activityCard(ctx: ViewContext): ActivityCard {
  const t = strings().activity;
  const headingId = uid('activity-heading');
  const heading = h('h2', { id: headingId, class: 'card-title', tabindex: '-1' }, t.heading);
  const body = h('div', { class: 'card-body' }, h('p', { class: 'loading' }, t.loading));
  const refresh = iconButton('refresh', t.refresh, 'refresh-activity', (b) => void withBusy(b, reload));
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': headingId, 'aria-busy': 'true', 'data-testid': 'activity-card' },
    h(
      'div',
      { class: 'card-head' },
      h('div', { class: 'card-head-title' }, h('span', { class: 'card-icon' }, icon('info')), heading),
      h('div', { class: 'card-actions' }, refresh),
    ),
    h('p', { class: 'card-desc' }, t.description),
    body,
  );

  let shown = '';

  function render(rows: ActivityRow[]): void {
    const signature = JSON.stringify(rows);
    if (signature === shown) return;
    shown = signature;
    body.replaceChildren(
      rows.length === 0
        ? h('p', { class: 'empty' }, t.empty)
        : h('ul', { class: 'activity-list', 'aria-label': t.listLabel, 'data-testid': 'activity-list' }, rows.map(activityItem)),
    );
  }

  const activityLoader = loader(ctx, {
    read: () => ctx.api.activity(),
    show: (events) => preservingFocus(element, () => render(activityRows(events, new Date())), heading),
    failed: (error) => {
      shown = '';
      body.replaceChildren(h('p', { class: 'load-failed' }, t.loadFailed, ' ', describeError(error)));
    },
    busy: (busy) => markBusy(element, busy),
  });
  const reload = (): Promise<void> => activityLoader.reload();

  function reloadAfterChange(): void {
    void reload();
    for (const delay of CHANGE_SETTLE_MS) {
      window.setTimeout(() => {
        if (!ctx.signal.aborted && element.isConnected) void reload();
      }, delay);
    }
  }

  return { element, reload, reloadAfterChange };
}
