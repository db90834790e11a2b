// What the account cards show, worked out from the API's data without the DOM
// (pure, so the cheap tests cover it); the cards only turn it into elements.

import type { ActivityEvent, BackupCodesStatus, BackupCodeUse, Session, Timestamp } from '../api.js';
import type { Catalogue } from '../i18n/catalogue.js';
import { formatDate, formatDateTime, formatRelative, parseTimestamp } from '../dates.js';
import { strings } from '../strings.js';
import { browserName } from '../useragent.js';

/** At or below this many codes left, the page urges a new set. */
export const FEW_CODES_LEFT = 3;

/** A time as the page shows it: text, and the machine-readable value of its <time>. */
export interface TimeView {
  iso: string;
  text: string;
}

export type TimeStyle = 'date' | 'datetime' | 'relative' | 'relative+datetime';

export function timeView(value: Timestamp | null, style: TimeStyle, now: Date): TimeView | null {
  const date = parseTimestamp(value);
  if (!date) return null;
  const absolute = style === 'date' ? formatDate(date) : formatDateTime(date);
  const relative = formatRelative(date, now);
  const text =
    style === 'relative'
      ? relative
      : style === 'relative+datetime'
        ? strings().dates.relativeWithAbsolute(relative, absolute)
        : absolute;
  return { iso: date.toISOString(), text };
}

export interface CodesSummary {
  /** "7 of 10 codes left". */
  label: string;
  /** The meter's fill in steps of ten percent (0…100): a CSS class each, as the CSP allows no inline width. */
  tenths: number;
  few: boolean;
  /** The warning shown when few are left, else null. */
  warning: string | null;
}

export function codesSummary(status: Pick<BackupCodesStatus, 'remaining' | 'total'>): CodesSummary {
  const { remaining, total } = status;
  const scale = Math.max(total, remaining, 1);
  const few = remaining <= FEW_CODES_LEFT;
  return {
    label: strings().codes.left(remaining, total),
    tenths: Math.round((remaining / scale) * 10) * 10,
    few,
    warning: few ? strings().codes.fewLeft(remaining) : null,
  };
}

/** Everything the backup-codes card shows about a set of codes; null while there is none. */
export interface CodesDetails {
  summary: CodesSummary;
  created: TimeView | null;
  lastUsed: TimeView | null;
  usage: UsageRow[];
}

export function codesDetails(status: BackupCodesStatus, now: Date): CodesDetails | null {
  if (!status.enabled) return null;
  return {
    summary: codesSummary(status),
    created: timeView(status.createdAt, 'date', now),
    lastUsed: timeView(status.lastUsedAt, 'relative+datetime', now),
    usage: usageRows(status.usage, now),
  };
}

export interface UsageRow {
  when: TimeView | null;
  browser: string;
  ip: string;
}

/** The sign-ins with a backup code, newest first. */
export function usageRows(usage: readonly BackupCodeUse[], now: Date): UsageRow[] {
  const at = (use: BackupCodeUse): number => parseTimestamp(use.at)?.getTime() ?? 0;
  return [...usage]
    .sort((a, b) => at(b) - at(a))
    .map((use) => ({
      when: timeView(use.at, 'datetime', now),
      browser: browserName(use.userAgent),
      ip: use.ip ?? strings().dates.unknown,
    }));
}

export interface SessionRow {
  id: string;
  current: boolean;
  /** "Firefox on Linux". */
  name: string;
  ip: string;
  created: TimeView | null;
  lastSeen: TimeView | null;
  /** What a screen reader hears after "End session"; null for this device, which has no such button. */
  endWhich: string | null;
}

/** The open sessions, this device first, then the most recently seen. */
export function sessionRows(sessions: readonly Session[], now: Date): SessionRow[] {
  const seen = (s: Session): number => parseTimestamp(s.lastSeenAt ?? s.createdAt)?.getTime() ?? 0;
  return [...sessions]
    .sort((a, b) => Number(b.current) - Number(a.current) || seen(b) - seen(a))
    .map((session) => {
      const name = browserName(session.userAgent);
      const ip = session.ip ?? strings().dates.unknown;
      const lastSeen = timeView(session.lastSeenAt, 'relative', now);
      return {
        id: session.id,
        current: session.current,
        name,
        ip,
        created: timeView(session.createdAt, 'datetime', now),
        lastSeen,
        endWhich: session.current ? null : strings().sessions.endWhich(name, ip, endWhen(session, now)),
      };
    });
}

/** "last seen" in the End session label falls back to when the session began. */
function endWhen(session: Session, now: Date): string | null {
  const seen = parseTimestamp(session.lastSeenAt ?? session.createdAt);
  return seen ? formatRelative(seen, now) : null;
}

type EventName = keyof Catalogue['activity']['events'];

/** The audit event types that have a name of their own (GET /me/activity may send any of them). */
const EVENT_TYPES: ReadonlySet<string> = new Set<EventName>([
  'sign_in',
  'sign_in_failed',
  'second_factor_locked',
  'backup_code_used',
  'backup_codes_added',
  'backup_codes_regenerated',
  'backup_codes_removed',
  'authenticator_added',
  'authenticator_removed',
  'mfa_reset',
  'unlocked',
  'sessions_ended',
  'user_created',
  'user_deleted',
  'password_reset',
  'email_changed',
]);
/** Sign-ins, failed or not, are named with their method. */
const WITH_METHOD: ReadonlySet<string> = new Set(['sign_in', 'sign_in_failed']);
const METHODS: ReadonlySet<string> = new Set(['password', 'totp', 'backup_code']);

/** Which name an event gets: its type's, with a sign-in's method; "other" for a type the page does not know. */
export function eventName(type: string, method: string | null): EventName {
  if (!EVENT_TYPES.has(type)) return 'other';
  if (WITH_METHOD.has(type) && method !== null && METHODS.has(method)) return `${type}_${method}` as EventName;
  return type as EventName;
}

export interface ActivityRow {
  id: string;
  /** "Signed in with a backup code". */
  what: string;
  when: TimeView | null;
  /** The full date and time, for the relative one's tooltip. */
  at: string | null;
  /** "Firefox on Linux", when the event names a browser. */
  browser: string | null;
  ip: string | null;
  /** Who did it, when not the user: an administrator, the operator. */
  by: string | null;
}

/** The user's security events, newest first. */
export function activityRows(events: readonly ActivityEvent[], now: Date): ActivityRow[] {
  const t = strings().activity;
  const at = (event: ActivityEvent): number => parseTimestamp(event.at)?.getTime() ?? 0;
  return [...events]
    .sort((a, b) => at(b) - at(a))
    .map((event) => {
      const date = parseTimestamp(event.at);
      const actor = event.actor ?? 'user';
      return {
        id: event.id,
        what: t.events[eventName(event.type, event.method)],
        when: timeView(event.at, 'relative', now),
        at: date ? formatDateTime(date) : null,
        browser: event.userAgent ? browserName(event.userAgent) : null,
        ip: event.ip,
        by: actor === 'operator' ? t.byOperator : actor.startsWith('admin') ? t.byAdmin : null,
      };
    });
}
