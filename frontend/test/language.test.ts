import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  chooseLanguage,
  formattingLocale,
  LANGUAGE_KEY,
  negotiateLanguage,
  storedLanguage,
  storeLanguage,
} from '../src/i18n/language.js';
import type { FlagStore } from '../src/storage.js';

function memoryStore(initial: Record<string, string> = {}): FlagStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const refusing: FlagStore = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => undefined,
};

describe('negotiateLanguage', () => {
  it('takes the first of the browser\'s languages that the page speaks', () => {
    assert.equal(negotiateLanguage(['es-MX', 'en-US']), 'es');
    assert.equal(negotiateLanguage(['fr-FR', 'de-AT', 'es']), 'de');
    assert.equal(negotiateLanguage(['DE_ch']), 'de');
  });
  it('falls back to English', () => {
    assert.equal(negotiateLanguage(['fr', 'it-IT']), 'en');
    assert.equal(negotiateLanguage([]), 'en');
    assert.equal(negotiateLanguage(['']), 'en');
  });
});

describe('formattingLocale', () => {
  it('keeps the browser\'s region for dates and numbers', () => {
    assert.equal(formattingLocale('en', ['en-GB', 'en']), 'en-GB');
    assert.equal(formattingLocale('de', ['fr-FR', 'de-ch']), 'de-CH');
  });
  it('is the language itself when the browser lists no variant of it (a picked language)', () => {
    assert.equal(formattingLocale('es', ['en-US']), 'es');
    assert.equal(formattingLocale('de', ['de-']), 'de'); // not a well-formed tag
  });
});

describe('the stored choice', () => {
  it('wins over the browser\'s languages', () => {
    const store = memoryStore();
    storeLanguage(store, 'de');
    assert.equal(store.data.get(LANGUAGE_KEY), 'de');
    assert.equal(chooseLanguage(store, ['es-ES']), 'de');
  });
  it('is ignored when it names a language the page no longer speaks', () => {
    const store = memoryStore({ [LANGUAGE_KEY]: 'fr' });
    assert.equal(storedLanguage(store), null);
    assert.equal(chooseLanguage(store, ['es-ES']), 'es');
  });
  it('does without storage that refuses or is missing', () => {
    assert.doesNotThrow(() => storeLanguage(refusing, 'es'));
    assert.equal(chooseLanguage(refusing, ['de']), 'de');
    assert.equal(chooseLanguage(null, []), 'en');
  });
});
