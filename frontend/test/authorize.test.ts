import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ApiClient, ApiError, BAD_RESPONSE, type FetchFn } from '../src/api.js';
import { AUTHORIZE_ERRORS, applicationAddress, authorizeErrorCode, pageTask } from '../src/authorize.js';
import { CATALOGUES } from '../src/i18n/catalogue.js';
import { LANGUAGES } from '../src/i18n/language.js';

const ID = 'Zx3_-abcdefghijklmnopq';

describe('pageTask', () => {
  it('is nothing for the plain sign-in page', () => {
    assert.equal(pageTask(''), null);
    assert.equal(pageTask('?'), null);
    assert.equal(pageTask('?lang=de'), null);
  });

  it('reads a pending sign-in', () => {
    assert.deepEqual(pageTask(`?authorize=${ID}`), { kind: 'authorize', requestId: ID });
    assert.deepEqual(pageTask(`authorize=${ID}`), { kind: 'authorize', requestId: ID });
  });

  it('takes a request id of the wrong shape for an expired request, never sends it', () => {
    for (const id of ['', 'short', 'a'.repeat(65), `${ID}/../x`, `${ID} `, '<script>alert(1)</script>aaaaaaaa']) {
      assert.deepEqual(pageTask(`?authorize=${encodeURIComponent(id)}`), { kind: 'unknownRequest' }, id);
    }
  });

  it('reads a refused request, showing only a code of the server’s shape', () => {
    assert.deepEqual(pageTask('?authorize_error=unknown_client'), {
      kind: 'authorizeError',
      code: 'unknown_client',
      shown: 'unknown_client',
    });
    assert.deepEqual(pageTask('?authorize_error=invalid_redirect_uri'), {
      kind: 'authorizeError',
      code: 'invalid_redirect_uri',
      shown: 'invalid_redirect_uri',
    });
    assert.deepEqual(pageTask('?authorize_error=request_not_supported'), {
      kind: 'authorizeError',
      code: 'other',
      shown: 'request_not_supported',
    });
    assert.deepEqual(pageTask(`?authorize_error=${encodeURIComponent('<b>Call 555</b>')}`), {
      kind: 'authorizeError',
      code: 'other',
      shown: null,
    });
  });

  it('lets an error win over a request', () => {
    assert.equal(pageTask(`?authorize=${ID}&authorize_error=unknown_client`)?.kind, 'authorizeError');
  });

  it('asks before signing out only for signout=confirm', () => {
    assert.deepEqual(pageTask('?signout=confirm'), { kind: 'signOut' });
    assert.equal(pageTask('?signout=yes'), null);
    assert.equal(pageTask('?signout='), null);
  });
});

describe('authorizeErrorCode', () => {
  it('names the codes with a sentence of their own, and `other` for the rest', () => {
    for (const code of AUTHORIZE_ERRORS) assert.equal(authorizeErrorCode(code), code);
    assert.equal(authorizeErrorCode('invalid_scope'), 'other');
    assert.equal(authorizeErrorCode('toString'), 'other');
    assert.equal(authorizeErrorCode('__proto__'), 'other');
  });

  it('has a sentence for each in every language, all different from each other', () => {
    for (const language of LANGUAGES) {
      const sentences = [...AUTHORIZE_ERRORS, 'other' as const].map((code) => CATALOGUES[language].authorize.errors[code]);
      for (const sentence of sentences) assert.ok(sentence.length > 20, `${language}: ${sentence}`);
      assert.equal(new Set(sentences).size, sentences.length, language);
    }
  });
});

describe('applicationAddress', () => {
  it('keeps an application’s address with its code and state', () => {
    assert.equal(
      applicationAddress('https://shop.example/callback?code=abc&state=x%20y&iss=https%3A%2F%2Fid.example%2Ft%2Fdemo'),
      'https://shop.example/callback?code=abc&state=x%20y&iss=https%3A%2F%2Fid.example%2Ft%2Fdemo',
    );
    assert.equal(applicationAddress('http://127.0.0.1:8001/callback?error=access_denied'), 'http://127.0.0.1:8001/callback?error=access_denied');
    assert.equal(applicationAddress('com.example.app:/callback?code=abc'), 'com.example.app:/callback?code=abc');
  });

  it('refuses what is no address of an application', () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,hi', 'vbscript:x', 'file:///etc/passwd', 'about:blank', '/relative', '', 'not a url']) {
      assert.equal(applicationAddress(bad), null, bad);
    }
  });
});

describe('ApiClient, an application’s pending sign-in', () => {
  interface Call {
    url: string;
    init: RequestInit;
  }
  function client(answer: (call: Call) => Response): { api: ApiClient; calls: Call[] } {
    const calls: Call[] = [];
    const fetch: FetchFn = async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return answer(call);
    };
    return { api: new ApiClient('acme', fetch), calls };
  }
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

  it('reads the request: the client’s name and its prompt', async () => {
    const { api, calls } = client(() => json(200, { client_name: '<b>Shop</b>', prompt: 'login' }));
    assert.deepEqual(await api.pendingAuthorization(ID), { clientName: '<b>Shop</b>', prompt: 'login' });
    assert.equal(calls[0]?.url, `/t/acme/api/oidc/requests/${ID}`);
    assert.equal(calls[0]?.init.method, 'GET');
  });

  it('takes an absent or unknown prompt for none asked', async () => {
    for (const prompt of [null, undefined, 'consent', 3]) {
      const { api } = client(() => json(200, { client_name: 'Shop', prompt }));
      assert.equal((await api.pendingAuthorization(ID)).prompt, null);
    }
  });

  it('refuses an answer without a client name', async () => {
    const { api } = client(() => json(200, { prompt: null }));
    await assert.rejects(api.pendingAuthorization(ID), (error: unknown) => error instanceof ApiError && error.code === BAD_RESPONSE);
  });

  it('says request_not_found as the server does', async () => {
    const { api } = client(() => json(404, { error: 'request_not_found', message: 'gone' }));
    await assert.rejects(api.pendingAuthorization(ID), (error: unknown) => error instanceof ApiError && error.is(404, 'request_not_found'));
  });

  it('completes with the CSRF header and gives where to go', async () => {
    const { api, calls } = client(() => json(200, { redirect_to: 'https://shop.example/cb?code=c' }));
    assert.equal(await api.completeAuthorization(ID), 'https://shop.example/cb?code=c');
    assert.equal(calls[0]?.url, `/t/acme/api/oidc/requests/${ID}/complete`);
    assert.equal(calls[0]?.init.method, 'POST');
    assert.equal((calls[0]?.init.headers as Record<string, string>)['X-Requested-With'], 'XMLHttpRequest');
  });

  it('cancels with the error the application is to hear', async () => {
    const { api, calls } = client(() => json(200, { redirect_to: 'https://shop.example/cb?error=access_denied' }));
    assert.equal(await api.cancelAuthorization(ID, 'access_denied'), 'https://shop.example/cb?error=access_denied');
    assert.equal(calls[0]?.url, `/t/acme/api/oidc/requests/${ID}/cancel`);
    assert.deepEqual(JSON.parse(String(calls[0]?.init.body)), { error: 'access_denied' });
  });

  it('refuses a completion without an address', async () => {
    const { api } = client(() => json(200, {}));
    await assert.rejects(api.completeAuthorization(ID), (error: unknown) => error instanceof ApiError && error.code === BAD_RESPONSE);
  });
});
