import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { ApiError, BAD_RESPONSE, ERROR_CODES, NETWORK_ERROR } from '../src/api.js';
import { CATALOGUES } from '../src/i18n/catalogue.js';
import { LANGUAGES } from '../src/i18n/language.js';
import { describeError, isUnauthenticated, retryWait } from '../src/messages.js';
import { inLanguage } from './support/language.js';

/** The contract's error codes, as functions/api/openapi.json lists them. */
function contractErrorCodes(): string[] {
  const spec = JSON.parse(readFileSync(new URL('../../../functions/api/openapi.json', import.meta.url), 'utf8'));
  return spec.components.schemas.Error.properties.error.enum;
}


describe('describeError', () => {
  it('prefers the text the view gives for a code', () => {
    const error = new ApiError(401, 'invalid_code', 'server text');
    assert.equal(describeError(error, { invalid_code: 'That code is not correct.' }), 'That code is not correct.');
  });
  it('says how long a lock lasts', () => {
    assert.equal(
      describeError(new ApiError(429, 'locked', '', 300)),
      'Your account is locked after too many wrong attempts. Try again in 5 minutes.',
    );
    assert.equal(
      describeError(new ApiError(429, 'locked', '')),
      'Your account is locked after too many wrong attempts. Try again later, or ask your administrator to unlock it.',
    );
  });
  it('calls overload busy, never a failure, and says for how long when it knows', () => {
    assert.equal(describeError(new ApiError(503, 'unavailable', 'Throttled.', 2)), 'The service is busy. Try again in 2 seconds.');
    assert.equal(describeError(new ApiError(503, 'unavailable', 'Throttled.')), 'The service is busy. Try again in a moment.');
    // A 503 that is not the contract's JSON (a proxy's own page) is overload all the same.
    assert.equal(describeError(new ApiError(503, BAD_RESPONSE, '', 10)), 'The service is busy. Try again in 10 seconds.');
  });
  it('does not call a rate limit a locked account', () => {
    assert.equal(describeError(new ApiError(429, 'slow_down', '', 20)), 'Too many requests. Try again in 20 seconds.');
    assert.equal(describeError(new ApiError(429, 'slow_down', '')), 'Too many requests. Try again in a moment.');
  });
  it('explains network and server trouble in words', () => {
    assert.match(describeError(new ApiError(0, NETWORK_ERROR, '')), /Cannot reach the server/);
    assert.match(describeError(new ApiError(502, BAD_RESPONSE, '')), /unexpected answer/);
  });
  it('has its own sentence for a contract code, rather than the server\'s English', () => {
    const error = new ApiError(400, 'invalid_request', 'Username is too long.');
    assert.equal(describeError(error), 'The server did not accept what was sent. Check your entries and try again.');
    assert.equal(
      inLanguage('de', () => describeError(error)),
      'Der Server hat die Angaben nicht angenommen. Prüfen Sie Ihre Eingaben und versuchen Sie es erneut.',
    );
  });
  it('shows the server\'s text only for a code it does not know, else a generic text', () => {
    assert.equal(describeError(new ApiError(400, 'bad_input', 'Username is too long.')), 'Username is too long.');
    assert.equal(describeError(new ApiError(400, 'bad_input', ' ')), 'Something went wrong. Try again.');
    assert.equal(describeError(new Error('boom')), 'Something went wrong. Try again.');
  });
  it('speaks the page\'s language, waits included', () => {
    const busy = new ApiError(503, 'unavailable', 'The service is busy.', 1);
    assert.equal(inLanguage('es', () => describeError(busy)), 'El servicio está sobrecargado en este momento. Vuelva a intentarlo dentro de 1 segundo.');
    assert.equal(inLanguage('de', () => describeError(busy)), 'Der Dienst ist gerade ausgelastet. Versuchen Sie es in 1 Sekunde erneut.');
    const locked = new ApiError(429, 'locked', '', 120);
    assert.equal(
      inLanguage('de', () => describeError(locked)),
      'Ihr Konto ist nach zu vielen Fehlversuchen gesperrt. Versuchen Sie es in 2 Minuten erneut.',
    );
  });
  it('knows an ended session', () => {
    assert.ok(isUnauthenticated(new ApiError(401, 'unauthenticated', '')));
    assert.ok(!isUnauthenticated(new ApiError(401, 'invalid_credentials', '')));
  });
});

describe('retryWait', () => {
  it('puts Retry-After in words, or null without one', () => {
    assert.equal(retryWait(new ApiError(429, 'locked', '', 45)), '45 seconds');
    assert.equal(retryWait(new ApiError(429, 'locked', '')), null);
    assert.equal(retryWait(new Error('boom')), null);
  });
});

describe('every error code of the contract', () => {
  it('is the list the page knows', () => {
    assert.deepEqual([...ERROR_CODES].sort(), [...contractErrorCodes()].sort());
  });

  for (const language of LANGUAGES) {
    it(`has a sentence of its own in ${language}, never the server's text`, () => {
      const serverText = 'SERVER TEXT';
      for (const code of contractErrorCodes()) {
        const said = inLanguage(language, () => describeError(new ApiError(400, code, serverText)));
        assert.notEqual(said, serverText, code);
        assert.equal(said, CATALOGUES[language].errors.byCode[code as (typeof ERROR_CODES)[number]], code);
      }
    });
  }
});
