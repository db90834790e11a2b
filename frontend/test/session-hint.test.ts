import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hintKey, SessionHint } from '../src/session-hint.js';
import type { FlagStore } from '../src/storage.js';

function memoryStore(): FlagStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('SessionHint', () => {
  it('says once that a session was open', () => {
    const store = memoryStore();
    const hint = new SessionHint('acme', store);
    hint.remember();
    assert.equal(store.data.get(hintKey('acme')), '1');
    assert.equal(hint.take(), true);
    assert.equal(hint.take(), false);
  });
  it('says nothing after a sign-out', () => {
    const hint = new SessionHint('acme', memoryStore());
    hint.remember();
    hint.forget();
    assert.equal(hint.take(), false);
  });
  it('keeps tenants apart', () => {
    const store = memoryStore();
    new SessionHint('acme', store).remember();
    assert.equal(new SessionHint('demo', store).take(), false);
    assert.equal(new SessionHint('acme', store).take(), true);
  });
  it('survives a store that refuses', () => {
    const refusing: FlagStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const hint = new SessionHint('acme', refusing);
    hint.remember();
    hint.forget();
    assert.equal(hint.take(), false);
    assert.equal(new SessionHint('acme', null).take(), false);
  });
});
