// Dates as the API sends them (ISO 8601 text or epoch numbers) and as people read them.

import { LOCALE, strings } from './strings.js';
import type { Timestamp } from './api.js';

/** ISO text, or epoch seconds (< 1e11) or milliseconds; null when unreadable. */
export function parseTimestamp(value: Timestamp | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return new Date(Math.abs(value) < 1e11 ? value * 1000 : value);
  }
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return parseTimestamp(Number(text));
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

export interface DateOptions {
  locale?: string;
  timeZone?: string;
}

/** "12 Mar 2025, 10:04" in the reader's locale (or the given one). */
export function formatDateTime(date: Date, options: DateOptions = {}): string {
  return new Intl.DateTimeFormat(options.locale ?? LOCALE, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

/** "12 Mar 2025" */
export function formatDate(date: Date, options: DateOptions = {}): string {
  return new Intl.DateTimeFormat(options.locale ?? LOCALE, {
    dateStyle: 'medium',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

const UNITS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "5 minutes ago", "yesterday", "now", "in 2 hours". */
export function formatRelative(date: Date, now: Date, locale: string = LOCALE): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(seconds) < 45) return strings.dates.justNow;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      const amount = seconds / size;
      return rtf.format(Math.sign(amount) * Math.round(Math.abs(amount)), unit);
    }
  }
  return rtf.format(0, 'second');
}

/** A wait in words, rounded up so that the user never retries too early: "3 minutes". */
export function formatWait(totalSeconds: number): string {
  const s = Math.max(1, Math.ceil(totalSeconds));
  if (s < 60) return strings.duration.seconds(s);
  if (s < 3600) return strings.duration.minutes(Math.ceil(s / 60));
  return strings.duration.hours(Math.ceil(s / 3600));
}
