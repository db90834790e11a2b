import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Session } from '../src/api.js';
import { formatDate, formatDateTime } from '../src/dates.js';
import { codesDetails, codesSummary, sessionRows, timeView, usageRows } from '../src/views/models.js';
import { inLanguage } from './support/language.js';

const NOW = new Date('2025-03-12T10:00:00Z');
const ago = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36';

function session(id: string, fields: Partial<Session> = {}): Session {
  return { id, createdAt: ago(600), lastSeenAt: null, ip: '203.0.113.9', userAgent: FIREFOX, current: false, ...fields };
}

describe('codesSummary', () => {
  it('says how many are left and fills the meter in tenths', () => {
    assert.deepEqual(codesSummary({ remaining: 7, total: 10 }), {
      label: '7 of 10 codes left',
      tenths: 70,
      few: false,
      warning: null,
    });
    assert.equal(codesSummary({ remaining: 7, total: 12 }).tenths, 60);
    assert.equal(codesSummary({ remaining: 10, total: 10 }).tenths, 100);
  });

  it('warns when few are left, and when none are', () => {
    const three = codesSummary({ remaining: 3, total: 10 });
    assert.equal(three.few, true);
    assert.equal(three.warning, 'Only 3 codes left. Regenerate them to get a new set.');
    assert.equal(codesSummary({ remaining: 1, total: 10 }).warning, 'Only 1 code left. Regenerate them to get a new set.');
    const none = codesSummary({ remaining: 0, total: 10 });
    assert.equal(none.tenths, 0);
    assert.match(none.warning ?? '', /used all your backup codes/);
    assert.equal(codesSummary({ remaining: 4, total: 10 }).few, false);
  });

  it('keeps the meter between empty and full whatever the numbers', () => {
    assert.equal(codesSummary({ remaining: 0, total: 0 }).tenths, 0);
    assert.equal(codesSummary({ remaining: 12, total: 10 }).tenths, 100);
  });
});

describe('codesDetails', () => {
  const status = {
    enabled: true,
    total: 10,
    remaining: 9,
    createdAt: ago(3 * 24 * 60),
    lastUsedAt: ago(5),
    generation: 'g1',
    usage: [{ at: ago(5), ip: '203.0.113.9', userAgent: FIREFOX }],
  };

  it('gathers what the card shows of a set of codes', () => {
    const details = codesDetails(status, NOW);
    assert.equal(details?.summary.label, '9 of 10 codes left');
    assert.equal(details?.created?.iso, ago(3 * 24 * 60));
    assert.match(details?.lastUsed?.text ?? '', /^5 minutes ago \(.+\)$/);
    assert.deepEqual(details?.usage.map((u) => u.browser), ['Firefox on Linux']);
  });

  it('is nothing while backup codes are off', () => {
    assert.equal(codesDetails({ ...status, enabled: false }, NOW), null);
  });
});

describe('timeView', () => {
  it('gives the text to show and the machine-readable value', () => {
    const at = '2025-03-10T10:00:00Z';
    const date = new Date(at);
    assert.deepEqual(timeView(at, 'date', NOW), { iso: '2025-03-10T10:00:00.000Z', text: formatDate(date) });
    assert.equal(timeView(at, 'datetime', NOW)?.text, formatDateTime(date));
    assert.equal(timeView(at, 'relative', NOW)?.text, '2 days ago');
    assert.equal(timeView(at, 'relative+datetime', NOW)?.text, `2 days ago (${formatDateTime(date)})`);
  });

  it('gives nothing for no time', () => {
    assert.equal(timeView(null, 'date', NOW), null);
  });
});

describe('usageRows', () => {
  it('lists the newest use first, with the browser in words', () => {
    const rows = usageRows(
      [
        { at: ago(60), ip: '198.51.100.1', userAgent: FIREFOX },
        { at: ago(5), ip: null, userAgent: ANDROID },
        { at: null, ip: '192.0.2.7', userAgent: null },
      ],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => [r.browser, r.ip, r.when?.iso ?? null]),
      [
        ['Chrome on Android', 'Unknown', ago(5)],
        ['Firefox on Linux', '198.51.100.1', ago(60)],
        ['Unknown browser', '192.0.2.7', null],
      ],
    );
  });
});

describe('sessionRows', () => {
  it('puts this device first, then the most recently seen', () => {
    const rows = sessionRows(
      [
        session('old', { lastSeenAt: ago(300) }),
        session('recent', { lastSeenAt: ago(2) }),
        session('here', { current: true, lastSeenAt: ago(400) }),
        session('never-seen', { createdAt: ago(30) }),
      ],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      ['here', 'recent', 'never-seen', 'old'],
    );
  });

  it('names the browser and says which session an End session button ends', () => {
    const [here, phone] = sessionRows(
      [session('here', { current: true }), session('phone', { userAgent: ANDROID, ip: null, lastSeenAt: ago(5) })],
      NOW,
    );
    assert.equal(here?.name, 'Firefox on Linux');
    assert.equal(here?.endWhich, null);
    assert.equal(phone?.name, 'Chrome on Android');
    assert.equal(phone?.ip, 'Unknown');
    assert.equal(phone?.lastSeen?.text, '5 minutes ago');
    assert.equal(phone?.endWhich, ' (Chrome on Android, Unknown, last seen 5 minutes ago)');
  });

  it('says it all in the page\'s language', () => {
    const phone = [session('phone', { userAgent: ANDROID, ip: null, lastSeenAt: ago(5) })];
    const [es] = inLanguage('es', () => sessionRows(phone, NOW));
    assert.equal(es?.endWhich, ' (Chrome en Android, No disponible, última actividad hace 5 minutos)');
    const [de] = inLanguage('de', () => sessionRows(phone, NOW));
    assert.equal(de?.endWhich, ' (Chrome unter Android, Unbekannt, zuletzt aktiv vor 5 Minuten)');
    const summary = inLanguage('de', () => codesSummary({ remaining: 2, total: 10 }));
    assert.equal(summary.label, '2 von 10 Codes übrig');
    assert.match(summary.warning ?? '', /^Nur noch 2 Codes übrig\./);
  });

  it('falls back to when a session began for the End session label, not for Last seen', () => {
    const [row] = sessionRows([session('new', { createdAt: ago(90), lastSeenAt: null })], NOW);
    assert.equal(row?.lastSeen, null);
    assert.equal(row?.endWhich, ' (Firefox on Linux, 203.0.113.9, last seen 2 hours ago)');
  });
});
