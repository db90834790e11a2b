// Dates as the API sends them (ISO 8601 text) and as people read them, in the
// page's locale (strings.ts) unless a caller names another.

import { locale, strings } from './strings.js';
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

function dateFormat(options: DateOptions, style: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(options.locale ?? locale(), {
    ...style,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
}

/** "12 Mar 2025, 10:04" in the page's locale (or the given one). */
export function formatDateTime(date: Date, options: DateOptions = {}): string {
  return dateFormat(options, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "12 Mar 2025" */
export function formatDate(date: Date, options: DateOptions = {}): string {
  return dateFormat(options, { dateStyle: 'medium' }).format(date);
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

/** "5 minutes ago", "yesterday", "in 2 hours"; under 45 seconds, "just now". */
export function formatRelative(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return strings().dates.justNow;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const [unit, size] = UNITS.find(([, unitSeconds]) => Math.abs(seconds) >= unitSeconds) ?? ['second', 1];
  return rtf.format(Math.sign(seconds) * Math.round(Math.abs(seconds) / size), unit);
}

/** A wait in words, rounded up so that the user never retries too early: "3 minutes". */
export function formatWait(totalSeconds: number): string {
  const s = Math.max(1, Math.ceil(totalSeconds));
  const [amount, unit] = s < 60 ? [s, 'second'] : s < 3600 ? [Math.ceil(s / 60), 'minute'] : [Math.ceil(s / 3600), 'hour'];
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}

/** "10:14" / "10:14 AM": a time of today, in the page's locale. */
export function formatTime(date: Date, options: DateOptions = {}): string {
  return dateFormat(options, { timeStyle: 'short' }).format(date);
}
