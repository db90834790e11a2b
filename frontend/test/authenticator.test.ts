import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ApiClient, ApiError, BAD_RESPONSE, type ActivityEvent, type FetchFn } from '../src/api.js';
import { groupKey } from '../src/codes.js';
import { isAllowedSvgAttribute, isAllowedSvgElement, viewBoxOf } from '../src/qr.js';
import { activityRows, eventName } from '../src/views/models.js';
import { CATALOGUES } from '../src/i18n/catalogue.js';
import { inLanguage } from './support/language.js';

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function client(answer: (url: string, init: RequestInit) => Response): { api: ApiClient; calls: Array<[string, RequestInit]> } {
  const calls: Array<[string, RequestInit]> = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push([url, init]);
    return answer(url, init);
  };
  return { api: new ApiClient('demo', fetch), calls };
}

const SETUP = {
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  otpauth_uri: 'otpauth://totp/Demo:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" width="164" height="164"><path d="M0 0h1"/></svg>',
  expires_at: '2025-03-12T10:10:00Z',
};

describe('the authenticator API', () => {
  it('starts a set-up with POST /me/totp and reads its key, QR code and expiry', async () => {
    const { api, calls } = client(() => json(200, SETUP));
    const setup = await api.startTotpSetup();
    assert.equal(calls[0]?.[0], '/t/demo/api/me/totp');
    assert.equal(calls[0]?.[1].method, 'POST');
    assert.deepEqual(setup, {
      secret: SETUP.secret,
      otpauthUri: SETUP.otpauth_uri,
      qrSvg: SETUP.qr_svg,
      expiresAt: SETUP.expires_at,
    });
  });

  it('refuses a set-up whose QR code is not SVG markup or whose key is not base32', async () => {
    for (const bad of [{ ...SETUP, qr_svg: '<img src=x onerror=alert(1)>' }, { ...SETUP, secret: 'not base32!' }]) {
      const { api } = client(() => json(200, bad));
      await assert.rejects(api.startTotpSetup(), (e: unknown) => e instanceof ApiError && e.code === BAD_RESPONSE);
    }
  });

  it('confirms with the code as JSON, and removes with DELETE', async () => {
    const { api, calls } = client(() => new Response(null, { status: 204 }));
    await api.confirmTotp('123456');
    await api.removeTotp();
    assert.equal(calls[0]?.[0], '/t/demo/api/me/totp/confirm');
    assert.deepEqual(JSON.parse(String(calls[0]?.[1].body)), { code: '123456' });
    assert.equal(calls[1]?.[0], '/t/demo/api/me/totp');
    assert.equal(calls[1]?.[1].method, 'DELETE');
  });

  it('hands over 409 second_factor_required as an ApiError', async () => {
    const { api } = client(() => json(409, { error: 'second_factor_required', message: 'x' }));
    await assert.rejects(api.removeTotp(), (e: unknown) => e instanceof ApiError && e.is(409, 'second_factor_required'));
  });

  it('knows the sign-in that only opens the set-up (require_mfa)', async () => {
    const { api } = client(() => json(200, { status: 'mfa_setup_required' }));
    assert.deepEqual(await api.login('carol', 'pw'), { status: 'mfa_setup_required' });
  });

  it('reads the activity, keeping what is absent as null', async () => {
    const { api } = client(() =>
      json(200, {
        events: [
          { id: 'e1', at: '2025-03-12T09:55:00Z', type: 'sign_in', username: 'alice', ip: '203.0.113.9', user_agent: null, actor: 'user', method: 'totp' },
        ],
      }),
    );
    assert.deepEqual(await api.activity(), [
      { id: 'e1', at: '2025-03-12T09:55:00Z', type: 'sign_in', ip: '203.0.113.9', userAgent: null, actor: 'user', method: 'totp' },
    ]);
  });
});

describe('the QR code import', () => {
  it('lets through only the elements a QR code is drawn with', () => {
    for (const name of ['svg', 'g', 'path', 'rect']) assert.ok(isAllowedSvgElement(name), name);
    for (const name of ['script', 'foreignObject', 'a', 'image', 'use', 'style', 'title', 'animate']) {
      assert.ok(!isAllowedSvgElement(name), name);
    }
  });

  it('lets through geometry and colours, never a handler, a link, a style or a reference', () => {
    assert.ok(isAllowedSvgAttribute('d', 'M4 4.5h7m1 0h1m-33 1h1z'));
    assert.ok(isAllowedSvgAttribute('fill', '#fff'));
    assert.ok(isAllowedSvgAttribute('stroke', '#000'));
    assert.ok(isAllowedSvgAttribute('transform', 'scale(4)'));
    assert.ok(isAllowedSvgAttribute('width', '164'));
    assert.ok(!isAllowedSvgAttribute('onload', 'alert(1)'));
    assert.ok(!isAllowedSvgAttribute('href', '#x'));
    assert.ok(!isAllowedSvgAttribute('style', 'fill:red'));
    assert.ok(!isAllowedSvgAttribute('fill', 'url(https://evil.example/x)'));
    assert.ok(!isAllowedSvgAttribute('transform', 'scale(4) url(x)'));
    assert.ok(!isAllowedSvgAttribute('d', 'M0 0 <script>'));
    assert.ok(!isAllowedSvgAttribute('constructor', 'x'));
  });

  it('gives an SVG of a fixed size a viewBox, so that it scales', () => {
    assert.equal(viewBoxOf('164', '164'), '0 0 164 164');
    assert.equal(viewBoxOf('164', null), null);
    assert.equal(viewBoxOf('100%', '164'), null);
  });
});

describe('groupKey', () => {
  it('writes a key in groups of four for typing', () => {
    assert.equal(groupKey('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'), 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    assert.equal(groupKey('ABCDEF'), 'ABCD EF');
  });
});

const NOW = new Date('2025-03-12T10:00:00Z');
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';

function event(id: string, fields: Partial<ActivityEvent>): ActivityEvent {
  return { id, at: '2025-03-12T09:55:00Z', type: 'sign_in', ip: null, userAgent: null, actor: 'user', method: null, ...fields };
}

describe('activity', () => {
  it('names every event type of the contract, a sign-in with its method, and any other type as other', () => {
    assert.equal(eventName('sign_in', 'backup_code'), 'sign_in_backup_code');
    assert.equal(eventName('sign_in_failed', 'password'), 'sign_in_failed_password');
    assert.equal(eventName('sign_in', null), 'sign_in');
    assert.equal(eventName('sign_in', 'carrier-pigeon'), 'sign_in');
    assert.equal(eventName('authenticator_added', 'totp'), 'authenticator_added');
    assert.equal(eventName('something_new', null), 'other');
    assert.equal(eventName('toString', null), 'other');
  });

  it('has a name in every language for every type the API can send', async () => {
    const { readFileSync } = await import('node:fs');
    const spec = JSON.parse(readFileSync(new URL('../../../functions/api/openapi.json', import.meta.url), 'utf8'));
    const types: string[] = spec.components.schemas.AuditEvent.properties.type.enum;
    assert.ok(types.length >= 16);
    for (const catalogue of Object.values(CATALOGUES)) {
      for (const type of types) assert.ok(catalogue.activity.events[eventName(type, null)] !== catalogue.activity.events.other, type);
    }
  });

  it('lists the events newest first, with when, browser, address and who, in the page\'s language', () => {
    const rows = activityRows(
      [
        event('old', { at: '2025-03-10T10:00:00Z', type: 'backup_codes_added', userAgent: FIREFOX, ip: '203.0.113.9' }),
        event('new', { at: '2025-03-12T09:55:00Z', type: 'mfa_reset', actor: 'admin:ops-console' }),
        event('op', { at: '2025-03-11T10:00:00Z', type: 'user_created', actor: 'operator' }),
      ],
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.what, r.when?.text, r.browser, r.ip, r.by]),
      [
        ['new', 'Second factors reset', '5 minutes ago', null, null, 'By an administrator'],
        ['op', 'Account created', 'yesterday', null, null, 'By the service operator'],
        ['old', 'Backup codes added', '2 days ago', 'Firefox on Linux', '203.0.113.9', null],
      ],
    );
    const german = inLanguage('de', () => activityRows([event('x', { method: 'totp', userAgent: FIREFOX })], NOW));
    assert.equal(german[0]?.what, 'Mit Ihrer Authenticator-App angemeldet');
    assert.equal(german[0]?.when?.text, 'vor 5 Minuten');
    assert.equal(german[0]?.browser, 'Firefox unter Linux');
  });
});
