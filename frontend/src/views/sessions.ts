// Recovery Options › Sessions: where the user is signed in, and End session.

import { ApiError, type Session } from '../api.js';
import { formatRelative, parseTimestamp } from '../dates.js';
import { h, srOnly, uid } from '../dom.js';
import { icon } from '../icons.js';
import { loader, settle } from '../load.js';
import { describeError } from '../messages.js';
import { withReauth } from '../reauth.js';
import { strings } from '../strings.js';
import { markBusy, preservingFocus, refocus, say, withBusy } from '../ui.js';
import { browserName } from '../useragent.js';
import type { ViewContext } from './context.js';
import { iconButton, timeText, unknown } from './widgets.js';

export interface SessionsCard {
  element: HTMLElement;
  reload(): Promise<void>;
  /** After a change to the codes: the other sessions are being ended. */
  reloadAfterPurge(): void;
}

/** The purge runs on the DynamoDB stream, moments after the change: look again then. */
const PURGE_SETTLE_MS = 2500;

/** This device first, then the most recently seen. */
export function sortSessions(sessions: readonly Session[]): Session[] {
  const seen = (s: Session): number => parseTimestamp(s.lastSeenAt ?? s.createdAt)?.getTime() ?? 0;
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || seen(b) - seen(a));
}

function isGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function sessionsCard(ctx: ViewContext): SessionsCard {
  const t = strings.sessions;
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
    show: (sessions) => preservingFocus(element, () => render(sortSessions(sessions)), heading),
    failed: (error) => body.replaceChildren(h('p', { class: 'load-failed' }, t.loadFailed, ' ', describeError(error))),
    busy: (busy) => markBusy(element, busy),
  });
  const reload = (): Promise<void> => sessionsLoader.reload();

  function render(sessions: Session[]): void {
    if (sessions.length === 0) {
      body.replaceChildren(h('p', { class: 'empty' }, t.empty));
      return;
    }
    body.replaceChildren(
      h('ul', { class: 'session-list', 'aria-label': t.listLabel }, sessions.map((s) => sessionItem(s))),
    );
  }

  function sessionItem(session: Session): HTMLLIElement {
    const name = browserName(session.userAgent);
    const ip = unknown(session.ip);
    let end: HTMLButtonElement | null = null;
    if (!session.current) {
      const seen = parseTimestamp(session.lastSeenAt ?? session.createdAt);
      end = h(
        'button',
        { type: 'button', class: 'btn btn-secondary btn-small', 'data-focus-key': `end-${session.id}` },
        t.end,
        srOnly(t.endWhich(name, ip, seen ? formatRelative(seen, new Date()) : null)),
      );
      const button = end;
      button.addEventListener('click', () => void endSession(session, button));
    }
    return h(
      'li',
      { class: session.current ? 'session session-current' : 'session', 'data-session-id': session.id },
      h('span', { class: 'session-icon' }, icon('monitor')),
      h(
        'div',
        { class: 'session-main' },
        h(
          'p',
          { class: 'session-name' },
          name,
          session.current ? h('span', { class: 'badge badge-current' }, t.thisDevice) : null,
        ),
        h(
          'dl',
          { class: 'session-facts' },
          h('div', null, h('dt', null, t.ip), h('dd', { class: 'ip' }, ip)),
          h('div', null, h('dt', null, t.created), h('dd', null, timeText(session.createdAt, 'datetime', strings.dates.unknown))),
          h('div', null, h('dt', null, t.lastSeen), h('dd', null, timeText(session.lastSeenAt, 'relative', strings.dates.unknown))),
        ),
      ),
      end,
    );
  }

  async function endSession(session: Session, button: HTMLButtonElement): Promise<void> {
    say(statusMessage, '');
    say(errorMessage, '');
    const ended = async (): Promise<void> => {
      await reload();
      refocus(null, heading);
    };
    await withBusy(button, () =>
      settle(ctx, withReauth(ctx.api, () => ctx.api.endSession(session.id)), {
        done: () => {
          say(statusMessage, t.ended);
          void ended();
        },
        // Already gone (ended elsewhere or purged): the refreshed list says so.
        failed: (error) => (isGone(error) ? void ended() : say(errorMessage, describeError(error))),
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
