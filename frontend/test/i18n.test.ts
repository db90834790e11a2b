import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CATALOGUES, type Catalogue } from '../src/i18n/catalogue.js';
import { en } from '../src/i18n/en.js';
import { grammar } from '../src/i18n/grammar.js';
import { LANGUAGES, type Language } from '../src/i18n/language.js';

/** Each key of a catalogue, by its path: "text", or "sentence/N" for a function of N parameters. */
function keys(node: object, path = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(node)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (typeof value === 'string') out.set(here, 'text');
    else if (typeof value === 'function') out.set(here, `sentence/${value.length}`);
    else keys(value as object, here, out);
  }
  return out;
}

function lookup(catalogue: Catalogue, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], catalogue);
}

/**
 * Parameters a sentence is tried with: numbers, as counts need them (0, 1 and 7
 * reach every plural branch), which a text parameter shows as they are; null for
 * an optional one.
 */
const SAMPLES: ReadonlyArray<readonly unknown[]> = [
  [0, 0, 0],
  [1, 10, 1],
  [7, 10, 7],
  [7, 10, null],
];

/** What a key says: its text, or its sentences for the sample parameters. */
function said(catalogue: Catalogue, path: string): string[] {
  const value = lookup(catalogue, path);
  if (typeof value === 'string') return [value];
  return SAMPLES.map((args) => String((value as (...a: unknown[]) => unknown)(...args)));
}

/** Keys whose words are rightly the same as in English (names in files, punctuation only). */
const SAME_AS_ENGLISH: Readonly<Record<Exclude<Language, 'en'>, readonly string[]>> = {
  es: ['dates.relativeWithAbsolute'],
  de: ['codesFile.namePrefix', 'codesFile.organisation', 'dates.relativeWithAbsolute'],
};

describe('the catalogues', () => {
  const english = keys(en);

  it('have hundreds of keys to compare', () => {
    assert.ok(english.size > 150, `only ${english.size} keys`);
  });

  for (const language of LANGUAGES) {
    const catalogue = CATALOGUES[language];

    it(`${language}: the same keys as English, each a text or a sentence of the same parameters`, () => {
      assert.deepEqual(keys(catalogue), english);
    });

    it(`${language}: every text and sentence says something`, () => {
      for (const path of english.keys()) {
        for (const text of said(catalogue, path)) {
          assert.ok(text.trim() !== '', `${language} ${path} is empty`);
          assert.doesNotMatch(text, /undefined|NaN|\[object/, `${language} ${path}: ${text}`);
        }
      }
    });
  }

  for (const language of ['es', 'de'] as const) {
    it(`${language}: nothing is left in English but the allowed keys`, () => {
      const same = [...english.keys()].filter(
        (path) => JSON.stringify(said(CATALOGUES[language], path)) === JSON.stringify(said(en, path)),
      );
      assert.deepEqual(same, SAME_AS_ENGLISH[language]);
    });
  }
});

describe('the Catalogue type', () => {
  it('refuses a language without a key, with a key too many, or with other parameters', () => {
    // Each line below must NOT compile: `npm run typecheck` fails on an unused @ts-expect-error.
    const { title: _left, ...withoutTitle } = en.signIn;
    // @ts-expect-error a key is missing
    const missing: Catalogue = { ...en, signIn: withoutTitle };
    // @ts-expect-error a key the English catalogue does not have
    const extra: Catalogue = { ...en, signIn: { ...en.signIn, greeting: 'Hi' } };
    // @ts-expect-error a sentence of other parameters
    const reshaped: Catalogue = { ...en, codes: { ...en.codes, left: (n: number, total: number, more: string) => `${n}${total}${more}` } };
    assert.ok([missing, extra, reshaped].every((catalogue) => typeof catalogue === 'object'));
  });
});

describe('grammar', () => {
  it('chooses each language\'s plural form through Intl, and writes its numbers', () => {
    const forms = { one: '# código', many: '# de códigos', other: '# códigos' };
    assert.equal(grammar('es').count(1, forms), '1 código');
    assert.equal(grammar('es').count(2, forms), '2 códigos');
    assert.equal(grammar('es').count(1_000_000, forms), '1.000.000 de códigos');
    assert.equal(grammar('de').count(1_000_000, { one: '# Code', other: '# Codes' }), '1.000.000 Codes');
    assert.equal(grammar('en').num(1234), '1,234');
  });
  it('falls back to the form every language has', () => {
    assert.equal(grammar('es').count(1_000_000, { one: '# código', other: '# códigos' }), '1.000.000 códigos');
  });
});

describe('sentences with counts', () => {
  it('agree with their number in each language', () => {
    assert.equal(CATALOGUES.en.codes.left(1, 10), '1 of 10 codes left');
    assert.equal(CATALOGUES.es.codes.left(1, 10), 'Queda 1 de 10 códigos');
    assert.equal(CATALOGUES.es.codes.left(7, 10), 'Quedan 7 de 10 códigos');
    assert.equal(CATALOGUES.de.codes.left(7, 10), '7 von 10 Codes übrig');
    assert.match(CATALOGUES.de.backupNotice.remaining(1), /Sie haben noch 1 Backup-Code\.$/);
    assert.match(CATALOGUES.de.backupNotice.remaining(9), /Sie haben noch 9 Backup-Codes\.$/);
    assert.match(CATALOGUES.es.codes.fewLeft(1), /^Solo le queda 1 código\./);
    assert.match(CATALOGUES.en.codes.fewLeft(0), /used all your backup codes/);
  });
});
