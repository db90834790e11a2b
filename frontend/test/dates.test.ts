import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatDate, formatDateTime, formatRelative, formatWait, parseTimestamp } from '../src/dates.js';
import { inLanguage } from './support/language.js';

const NOW = new Date('2025-03-12T10:00:00Z');
const ago = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);

describe('parseTimestamp', () => {
  it('reads ISO 8601 text', () => {
    assert.equal(parseTimestamp('2025-03-12T10:04:00Z')?.toISOString(), '2025-03-12T10:04:00.000Z');
    assert.equal(parseTimestamp('2025-03-12T11:04:00+01:00')?.toISOString(), '2025-03-12T10:04:00.000Z');
  });
  it('reads fractions of a second', () => {
    assert.equal(parseTimestamp('2025-03-12T10:04:00.5Z')?.toISOString(), '2025-03-12T10:04:00.500Z');
  });
  it('gives null for nothing or nonsense', () => {
    assert.equal(parseTimestamp(null), null);
    assert.equal(parseTimestamp(undefined), null);
    assert.equal(parseTimestamp(''), null);
    assert.equal(parseTimestamp('yesterday-ish'), null);
  });
  it('does not guess at epoch numbers in text', () => {
    assert.equal(parseTimestamp('1741773840'), null);
  });
});

describe('absolute dates', () => {
  const when = new Date('2025-03-12T10:04:00Z');
  it('formats date and time in the given locale and zone', () => {
    assert.equal(formatDateTime(when, { locale: 'en-GB', timeZone: 'UTC' }), '12 Mar 2025, 10:04');
    assert.equal(formatDateTime(when, { locale: 'en-GB', timeZone: 'Europe/Berlin' }), '12 Mar 2025, 11:04');
    assert.match(formatDateTime(when, { locale: 'en-US', timeZone: 'UTC' }), /^Mar 12, 2025, 10:04\sAM$/);
  });
  it('formats the date alone', () => {
    assert.equal(formatDate(when, { locale: 'en-GB', timeZone: 'UTC' }), '12 Mar 2025');
  });
});

describe('formatRelative', () => {
  const cases: ReadonlyArray<readonly [Date, string]> = [
    [ago(5), 'just now'],
    [ago(90), '2 minutes ago'],
    [ago(60 * 60), '1 hour ago'],
    [ago(5 * 3600), '5 hours ago'],
    [ago(24 * 3600), 'yesterday'],
    [ago(3 * 24 * 3600), '3 days ago'],
    [ago(14 * 24 * 3600), '2 weeks ago'],
    [ago(400 * 24 * 3600), 'last year'],
    [new Date(NOW.getTime() + 2 * 3600 * 1000), 'in 2 hours'],
  ];
  for (const [date, expected] of cases) {
    it(`says "${expected}"`, () => assert.equal(formatRelative(date, NOW), expected));
  }
});

describe('formatRelative in the page\'s language', () => {
  it('speaks Spanish and German, "just now" included', () => {
    assert.equal(inLanguage('es', () => formatRelative(ago(90), NOW)), 'hace 2 minutos');
    assert.equal(inLanguage('es', () => formatRelative(ago(5), NOW)), 'hace un momento');
    assert.equal(inLanguage('de', () => formatRelative(ago(24 * 3600), NOW)), 'gestern');
    assert.equal(inLanguage('de', () => formatRelative(ago(5), NOW)), 'gerade eben');
  });
});

describe('absolute dates in the page\'s locale', () => {
  const when = new Date('2025-03-12T10:04:00Z');
  it('follows the active locale unless told another', () => {
    assert.equal(inLanguage('de', () => formatDateTime(when, { timeZone: 'UTC' })), '12.03.2025, 10:04');
    assert.equal(inLanguage('es', () => formatDate(when, { timeZone: 'UTC' })), '12 mar 2025');
    assert.equal(inLanguage('en', () => formatDate(when, { timeZone: 'UTC' }), 'en-GB'), '12 Mar 2025');
  });
});

describe('formatWait', () => {
  it('rounds up to the unit a person reads', () => {
    assert.equal(formatWait(0), '1 second');
    assert.equal(formatWait(1), '1 second');
    assert.equal(formatWait(45), '45 seconds');
    assert.equal(formatWait(60), '1 minute');
    assert.equal(formatWait(61), '2 minutes');
    assert.equal(formatWait(900), '15 minutes');
    assert.equal(formatWait(3600), '1 hour');
    assert.equal(formatWait(3601), '2 hours');
  });
  it('in Spanish and German, with their plurals', () => {
    assert.equal(inLanguage('es', () => formatWait(1)), '1 segundo');
    assert.equal(inLanguage('es', () => formatWait(90)), '2 minutos');
    assert.equal(inLanguage('de', () => formatWait(1)), '1 Sekunde');
    assert.equal(inLanguage('de', () => formatWait(3600)), '1 Stunde');
    assert.equal(inLanguage('de', () => formatWait(7200)), '2 Stunden');
  });
});
