import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ApiClient, ApiError, BAD_RESPONSE, NETWORK_ERROR, parseRetryAfter, type FetchFn } from '../src/api.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a script and records what it was asked. */
function fakeFetch(answer: (call: Call) => Response | Promise<Response>): { fetch: FetchFn; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchFn = async (url, init) => {
    const call = { url, init };
    calls.push(call);
    return answer(call);
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const NOW = Date.parse('2025-03-12T10:00:00Z');

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('ApiClient requests', () => {
  it('sends JSON to /t/{tenant}/api with the CSRF header and same-origin credentials', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { status: 'authenticated' }));
    const api = new ApiClient('acme', fetch);
    await api.login('alice', 's3cret');

    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.equal(call?.url, '/t/acme/api/auth/login');
    assert.equal(call?.init.method, 'POST');
    assert.equal(call?.init.credentials, 'same-origin');
    const headers = call?.init.headers as Record<string, string>;
    assert.equal(headers['X-Requested-With'], 'XMLHttpRequest');
    assert.equal(headers['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(String(call?.init.body)), { username: 'alice', password: 's3cret' });
  });

  it('sends the CSRF header on GET and DELETE too, and no body', async () => {
    const { fetch, calls } = fakeFetch((call) =>
      call.init.method === 'GET' ? json(200, { sessions: [] }) : new Response(null, { status: 204 }),
    );
    const api = new ApiClient('acme', fetch);
    await api.sessions();
    await api.endSession('a/b c');

    for (const call of calls) {
      assert.equal((call.init.headers as Record<string, string>)['X-Requested-With'], 'XMLHttpRequest');
      assert.equal(call.init.body, undefined);
    }
    assert.equal(calls[1]?.url, '/t/acme/api/me/sessions/a%2Fb%20c');
    assert.equal(calls[1]?.init.method, 'DELETE');
  });

  it('encodes the tenant in the base path', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    await new ApiClient('a b/c', fetch).logout();
    assert.equal(calls[0]?.url, '/t/a%20b%2Fc/api/auth/logout');
  });

  it('sends the generation it was given when regenerating', async () => {
    const { fetch, calls } = fakeFetch(() =>
      json(200, { codes: ['ABCD-EFGH-JKLM-NPQR'], created_at: '2025-03-12T10:00:00Z', generation: 'g4' }),
    );
    const api = new ApiClient('acme', fetch);
    const fresh = await api.regenerateBackupCodes('g3');
    assert.deepEqual(JSON.parse(String(calls[0]?.init.body)), { generation: 'g3' });
    assert.deepEqual(fresh, { codes: ['ABCD-EFGH-JKLM-NPQR'], createdAt: '2025-03-12T10:00:00Z', generation: 'g4' });

    await api.regenerateBackupCodes(null);
    assert.deepEqual(JSON.parse(String(calls[1]?.init.body)), {});
  });
});

describe('ApiClient answers', () => {
  it('reads mfa_required with its flow and methods', async () => {
    const { fetch } = fakeFetch(() => json(200, { status: 'mfa_required', flow: 'f-1', methods: ['totp', 'backup_code'] }));
    const result = await new ApiClient('acme', fetch).login('alice', 'pw');
    assert.deepEqual(result, { status: 'mfa_required', flow: 'f-1', methods: ['totp', 'backup_code'] });
  });

  it('offers both methods when the server lists none it knows', async () => {
    const { fetch } = fakeFetch(() => json(200, { status: 'mfa_required', flow: 'f-1', methods: ['webauthn'] }));
    const result = await new ApiClient('acme', fetch).login('alice', 'pw');
    assert.deepEqual(result, { status: 'mfa_required', flow: 'f-1', methods: ['totp', 'backup_code'] });
  });

  it('reads backup_codes_remaining after a second factor', async () => {
    const { fetch } = fakeFetch(() => json(200, { status: 'authenticated', backup_codes_remaining: 2 }));
    const result = await new ApiClient('acme', fetch).mfa('f-1', 'backup_code', 'ABCDEFGH');
    assert.equal(result.backupCodesRemaining, 2);
  });

  it('maps the backup-code status to camelCase with defaults', async () => {
    const { fetch } = fakeFetch(() =>
      json(200, {
        enabled: true,
        total: 10,
        remaining: 7,
        created_at: '2025-03-01T09:00:00Z',
        last_used_at: null,
        generation: 'g2',
        usage: [{ at: '2025-03-02T09:00:00Z', ip: '203.0.113.9', user_agent: 'curl/8.0' }, 'junk'],
      }),
    );
    const status = await new ApiClient('acme', fetch).backupCodesStatus();
    assert.deepEqual(status, {
      enabled: true,
      total: 10,
      remaining: 7,
      createdAt: '2025-03-01T09:00:00Z',
      lastUsedAt: null,
      generation: 'g2',
      usage: [{ at: '2025-03-02T09:00:00Z', ip: '203.0.113.9', userAgent: 'curl/8.0' }],
    });
  });

  it('reads a status without codes: no times, no generation', async () => {
    const { fetch } = fakeFetch(() =>
      json(200, { enabled: false, total: 0, remaining: 0, created_at: null, last_used_at: null, generation: null, usage: [] }),
    );
    const status = await new ApiClient('acme', fetch).backupCodesStatus();
    assert.equal(status.createdAt, null);
    assert.equal(status.generation, null);
  });

  it('resolves a 204 with an empty body', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const api = new ApiClient('acme', fetch);
    assert.equal(await api.removeBackupCodes(), undefined);
    assert.equal(await api.logout(), undefined);
  });
});

describe('ApiClient tenant check', () => {
  it('asks GET /t/{tenant}/api/tenant and reads its id and display name', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { tenant: 'acme', name: 'Acme Corp.' }));
    const tenant = await new ApiClient('acme', fetch).tenant();
    assert.deepEqual(tenant, { id: 'acme', name: 'Acme Corp.' });
    assert.equal(calls[0]?.url, '/t/acme/api/tenant');
    assert.equal(calls[0]?.init.method, 'GET');
  });

  it('lets the id stand in for a missing or empty name', async () => {
    for (const body of [{ tenant: 'acme' }, { tenant: 'acme', name: '' }]) {
      const tenant = await new ApiClient('acme', fakeFetch(() => json(200, body)).fetch).tenant();
      assert.deepEqual(tenant, { id: 'acme', name: 'acme' });
    }
  });

  it('refuses an answer without the tenant id', async () => {
    for (const body of [{ name: 'Acme Corp.' }, { tenant: 7, name: 'Acme Corp.' }, ['acme']]) {
      const error = await rejection(new ApiClient('acme', fakeFetch(() => json(200, body)).fetch).tenant());
      assert.equal(error.code, BAD_RESPONSE, JSON.stringify(body));
    }
  });

  it('passes on an unknown tenant (404) and a malformed id (400)', async () => {
    const unknown = await rejection(
      new ApiClient('nope', fakeFetch(() => json(404, { error: 'unknown_tenant', message: 'No such tenant.' })).fetch).tenant(),
    );
    assert.ok(unknown.is(404, 'unknown_tenant'));
    const malformed = await rejection(
      new ApiClient('Bad_Id', fakeFetch(() => json(400, { error: 'invalid_request', message: 'Bad id.' })).fetch).tenant(),
    );
    assert.ok(malformed.is(400, 'invalid_request'));
  });

  it('passes on overload with how long to wait', async () => {
    const { fetch } = fakeFetch(() => json(503, { error: 'unavailable', message: 'Busy.' }, { 'Retry-After': '2' }));
    const error = await rejection(new ApiClient('acme', fetch).tenant());
    assert.ok(error.is(503, 'unavailable'));
    assert.equal(error.retryAfter, 2);
  });
});

describe('ApiClient errors', () => {
  it('turns a JSON error body into a typed ApiError', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: 'invalid_code', message: 'Wrong code.' }));
    const error = await rejection(new ApiClient('acme', fetch).mfa('f', 'totp', '123456'));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_code');
    assert.equal(error.message, 'Wrong code.');
    assert.equal(error.retryAfter, null);
    assert.ok(error.is(401, 'invalid_code'));
  });

  it('reads Retry-After seconds on 429 locked', async () => {
    const { fetch } = fakeFetch(() => json(429, { error: 'locked', message: 'Locked.' }, { 'Retry-After': '120' }));
    const error = await rejection(new ApiClient('acme', fetch, () => NOW).mfa('f', 'totp', '123456'));
    assert.equal(error.code, 'locked');
    assert.equal(error.retryAfter, 120);
  });

  it('reads Retry-After on 429 locked at the password step', async () => {
    const { fetch } = fakeFetch(() => json(429, { error: 'locked', message: 'Wait.' }, { 'Retry-After': '60' }));
    const error = await rejection(new ApiClient('acme', fetch, () => NOW).login('alice', 'pw'));
    assert.ok(error.is(429, 'locked'));
    assert.equal(error.retryAfter, 60);
  });

  it('reads a Retry-After HTTP-date relative to now', async () => {
    const { fetch } = fakeFetch(() =>
      json(429, { error: 'locked', message: '' }, { 'Retry-After': 'Wed, 12 Mar 2025 10:05:00 GMT' }),
    );
    const error = await rejection(new ApiClient('acme', fetch, () => NOW).mfa('f', 'totp', '123456'));
    assert.equal(error.retryAfter, 300);
  });

  it('turns a non-JSON 502 into bad_response, keeping the status', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html><body>Bad Gateway</body></html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    );
    const error = await rejection(new ApiClient('acme', fetch).me());
    assert.equal(error.status, 502);
    assert.equal(error.code, BAD_RESPONSE);
  });

  it('turns a JSON error without an error code into bad_response', async () => {
    const { fetch } = fakeFetch(() => json(500, { message: 'Internal server error' }));
    const error = await rejection(new ApiClient('acme', fetch).me());
    assert.equal(error.status, 500);
    assert.equal(error.code, BAD_RESPONSE);
  });

  it('turns a 200 with a non-JSON body into bad_response', async () => {
    const { fetch } = fakeFetch(() => new Response('<!doctype html><title>SPA</title>', { status: 200 }));
    const error = await rejection(new ApiClient('acme', fetch).me());
    assert.equal(error.code, BAD_RESPONSE);
  });

  it('turns a body of the wrong shape into bad_response', async () => {
    const { fetch } = fakeFetch(() => json(201, { codes: 'not a list' }));
    const error = await rejection(new ApiClient('acme', fetch).addBackupCodes());
    assert.equal(error.code, BAD_RESPONSE);
  });

  it('refuses a time that is not ISO 8601 text, rather than guessing its unit', async () => {
    for (const createdAt of [1741773840, '1741773840', '12 March 2025']) {
      const { fetch } = fakeFetch(() =>
        json(200, { enabled: true, total: 10, remaining: 10, created_at: createdAt, generation: 'g1', usage: [] }),
      );
      const error = await rejection(new ApiClient('acme', fetch).backupCodesStatus());
      assert.equal(error.code, BAD_RESPONSE, String(createdAt));
    }
  });

  it('refuses a generation that is not a string', async () => {
    const status = { enabled: true, total: 10, remaining: 10, generation: 7, usage: [] };
    const error = await rejection(new ApiClient('acme', fakeFetch(() => json(200, status)).fetch).backupCodesStatus());
    assert.equal(error.code, BAD_RESPONSE);
    const fresh = { codes: ['ABCD-EFGH'], created_at: '2025-03-12T10:00:00Z' };
    const missing = await rejection(new ApiClient('acme', fakeFetch(() => json(201, fresh)).fetch).addBackupCodes());
    assert.equal(missing.code, BAD_RESPONSE);
  });

  it('turns a network failure into network_error with status 0', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = await rejection(new ApiClient('acme', fetch).me());
    assert.equal(error.status, 0);
    assert.equal(error.code, NETWORK_ERROR);
    assert.equal(error.retryAfter, null);
  });

  it('turns a body that breaks off into network_error', async () => {
    const broken = new ReadableStream({
      start(controller) {
        controller.error(new TypeError('terminated'));
      },
    });
    const { fetch } = fakeFetch(() => new Response(broken, { status: 200 }));
    const error = await rejection(new ApiClient('acme', fetch).me());
    assert.equal(error.code, NETWORK_ERROR);
  });

  it('passes the contract codes of the account calls through', async () => {
    const { fetch } = fakeFetch(() =>
      json(403, { error: 'reauthentication_required', message: 'Confirm your password.' }),
    );
    const error = await rejection(new ApiClient('acme', fetch).addBackupCodes());
    assert.ok(error.is(403, 'reauthentication_required'));
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter(' 30 ', NOW), 30);
  });
  it('reads an HTTP-date, never negative', () => {
    assert.equal(parseRetryAfter('Wed, 12 Mar 2025 10:00:10 GMT', NOW), 10);
    assert.equal(parseRetryAfter('Wed, 12 Mar 2025 09:00:00 GMT', NOW), 0);
  });
  it('gives null for absent or unreadable values', () => {
    assert.equal(parseRetryAfter(null, NOW), null);
    assert.equal(parseRetryAfter('', NOW), null);
    assert.equal(parseRetryAfter('soon', NOW), null);
    assert.equal(parseRetryAfter('-5', NOW), null);
  });
});
