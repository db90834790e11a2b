// Recovery Options › Sessions: where the user is signed in, and End session.

import { ApiError } from '../api.js';
import { h, placeInOrder, srOnly, uid } from '../dom.js';
import { icon } from '../icons.js';
import { loader, settle } from '../load.js';
import { describeError } from '../messages.js';
import { withReauth } from '../reauth.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, returnFocus, say, withBusy } from '../ui.js';
import type { ViewContext } from './context.js';
import { sessionRows, type SessionRow } from './models.js';
import { iconButton, timeText } from './widgets.js';

export interface SessionsCard {
  element: HTMLElement;
  reload(): Promise<void>;
  /** After a change to the codes: the other sessions are being ended. */
  reloadAfterPurge(): void;
}

/** The purge runs on the DynamoDB stream, moments after the change: look again then. */
const PURGE_SETTLE_MS = 2500;

interface ShownRow {
  signature: string;
  item: HTMLLIElement;
}

function isGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function sessionsCard(ctx: ViewContext): SessionsCard {
  const t = strings().sessions;
  const headingId = uid('sessions-heading');
  const heading = h('h2', { id: headingId, class: 'card-title', tabindex: '-1' }, t.heading);
  const body = h('div', { class: 'card-body' }, h('p', { class: 'loading' }, t.loading));
  const statusMessage = h('p', { class: 'card-status', role: 'status' });
  const errorMessage = h('p', { class: 'card-error', role: 'alert' });
  const refresh = iconButton('refresh', t.refresh, 'refresh-sessions', (b) => void withBusy(b, reload));
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': headingId, 'aria-busy': 'true', 'data-testid': 'sessions-card' },
    h(
      'div',
      { class: 'card-head' },
      h('div', { class: 'card-head-title' }, h('span', { class: 'card-icon' }, icon('monitor')), heading),
      h('div', { class: 'card-actions' }, refresh),
    ),
    h('p', { class: 'card-desc' }, t.description),
    body,
    statusMessage,
    errorMessage,
  );

  const sessionsLoader = loader(ctx, {
    read: () => ctx.api.sessions(),
    show: (sessions) => preservingFocus(element, () => render(sessionRows(sessions, new Date())), heading),
    failed: (error) => body.replaceChildren(h('p', { class: 'load-failed' }, t.loadFailed, ' ', describeError(error))),
    busy: (busy) => markBusy(element, busy),
  });
  const reload = (): Promise<void> => sessionsLoader.reload();

  // A row stays on screen while nothing in it changes, so a redraw never swaps the
  // End session button under a click, or the one a dialog returns focus to.
  const list = h('ul', { class: 'session-list', 'aria-label': t.listLabel });
  let shownRows = new Map<string, ShownRow>();

  function render(rows: SessionRow[]): void {
    const next = new Map<string, ShownRow>();
    for (const row of rows) {
      const signature = JSON.stringify(row);
      const shown = shownRows.get(row.id);
      next.set(row.id, shown?.signature === signature ? shown : { signature, item: sessionItem(row) });
    }
    shownRows = next;
    if (rows.length === 0) {
      body.replaceChildren(h('p', { class: 'empty' }, t.empty));
      return;
    }
    if (list.parentNode !== body) body.replaceChildren(list);
    placeInOrder(list, [...next.values()].map((shown) => shown.item));
  }

  function sessionItem(row: SessionRow): HTMLLIElement {
    return h(
      'li',
      { class: row.current ? 'session session-current' : 'session', 'data-session-id': row.id },
      h('span', { class: 'session-icon' }, icon('monitor')),
      h(
        'div',
        { class: 'session-main' },
        h('p', { class: 'session-name' }, row.name, row.current ? h('span', { class: 'badge badge-current' }, t.thisDevice) : null),
        h(
          'dl',
          { class: 'session-facts' },
          h('div', null, h('dt', null, t.ip), h('dd', { class: 'ip' }, row.ip)),
          h('div', null, h('dt', null, t.created), h('dd', null, timeText(row.created, strings().dates.unknown))),
          h('div', null, h('dt', null, t.lastSeen), h('dd', null, timeText(row.lastSeen, strings().dates.unknown))),
        ),
      ),
      row.endWhich === null ? null : endButton(row.id, row.endWhich),
    );
  }

  function endButton(id: string, which: string): HTMLButtonElement {
    const button = h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-small', 'data-focus-key': `end-${id}` },
      t.end,
      srOnly(which),
    );
    button.addEventListener('click', () => void endSession(id, button));
    return button;
  }

  async function endSession(id: string, button: HTMLButtonElement): Promise<void> {
    say(statusMessage, '');
    say(errorMessage, '');
    const ended = async (): Promise<void> => {
      await reload();
      returnFocus(null, heading);
    };
    await withBusy(button, () =>
      settle(ctx, withReauth(ctx.api, () => ctx.api.endSession(id)), {
        done: () => {
          say(statusMessage, t.ended);
          void ended();
        },
        // Already gone (ended elsewhere or purged): the refreshed list says so.
        failed: (error) => {
          if (isGone(error)) void ended();
          else say(errorMessage, describeError(error));
        },
      }),
    );
  }

  function reloadAfterPurge(): void {
    void reload();
    window.setTimeout(() => {
      if (!ctx.signal.aborted && element.isConnected) void reload();
    }, PURGE_SETTLE_MS);
  }

  return { element, reload, reloadAfterPurge };
}
