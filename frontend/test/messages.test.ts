import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ApiError, BAD_RESPONSE, NETWORK_ERROR } from '../src/api.js';
import { describeError, isUnauthenticated } from '../src/messages.js';
import { strings } from '../src/strings.js';

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
    assert.equal(describeError(new ApiError(429, 'locked', '')), strings.errors.lockedNoTime);
  });
  it('does not call a rate limit a locked account', () => {
    assert.equal(describeError(new ApiError(429, 'slow_down', '', 20)), 'Too many requests. Try again in 20 seconds.');
    assert.equal(describeError(new ApiError(429, 'slow_down', '')), strings.errors.rateLimitedNoTime);
  });
  it('explains network and server trouble in words', () => {
    assert.match(describeError(new ApiError(0, NETWORK_ERROR, '')), /Cannot reach the server/);
    assert.match(describeError(new ApiError(502, BAD_RESPONSE, '')), /unexpected answer/);
  });
  it('falls back to the server message, then a generic text', () => {
    assert.equal(describeError(new ApiError(400, 'bad_input', 'Username is too long.')), 'Username is too long.');
    assert.equal(describeError(new ApiError(400, 'bad_input', ' ')), 'Something went wrong. Try again.');
    assert.equal(describeError(new Error('boom')), 'Something went wrong. Try again.');
  });
  it('knows an ended session', () => {
    assert.ok(isUnauthenticated(new ApiError(401, 'unauthenticated', '')));
    assert.ok(!isUnauthenticated(new ApiError(401, 'invalid_credentials', '')));
  });
});
