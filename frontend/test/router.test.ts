import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parsePath, pathFor } from '../src/router.js';

describe('parsePath', () => {
  it('reads the tenant and the route', () => {
    assert.deepEqual(parsePath('/t/acme/'), { tenant: 'acme', route: 'signin' });
    assert.deepEqual(parsePath('/t/acme'), { tenant: 'acme', route: 'signin' });
    assert.deepEqual(parsePath('/t/acme/account/security'), { tenant: 'acme', route: 'account' });
    assert.deepEqual(parsePath('/t/acme/account/security/'), { tenant: 'acme', route: 'account' });
    assert.deepEqual(parsePath('/t/acme/elsewhere'), { tenant: 'acme', route: 'notfound' });
  });
  it('decodes the tenant', () => {
    assert.deepEqual(parsePath('/t/a%20b/'), { tenant: 'a b', route: 'signin' });
  });
  it('refuses paths outside /t/{tenant}/', () => {
    assert.equal(parsePath('/'), null);
    assert.equal(parsePath('/t/'), null);
    assert.equal(parsePath('/x/acme/'), null);
    assert.equal(parsePath('/t/%E0%A4%A/'), null);
  });
});

describe('pathFor', () => {
  it('builds the two pages', () => {
    assert.equal(pathFor('acme', 'signin'), '/t/acme/');
    assert.equal(pathFor('acme', 'account'), '/t/acme/account/security');
    assert.equal(pathFor('a b', 'account'), '/t/a%20b/account/security');
  });
});
