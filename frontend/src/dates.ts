// Dates as the API sends them (ISO 8601 text) and as people read them.

import { LOCALE, strings } from './strings.js';
import type { Timestamp } from './api.js';

/** The Date of an API time (the decoder let only ISO 8601 text through); null when absent. */
export function parseTimestamp(value: Timestamp | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
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
