import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ApiError, BAD_RESPONSE, NETWORK_ERROR } from '../src/api.js';
import { describeError, isUnauthenticated } from '../src/messages.js';

describe('describeError', () => {
  it('prefers the text the view gives for a code', () => {
    const error = new ApiError(401, 'invalid_code', 'server text');
    assert.equal(describeError(error, { invalid_code: 'That code is not correct.' }), 'That code is not correct.');
  });
  it('says how long a lock lasts', () => {
    assert.equal(
      describeError(new ApiError(429, 'locked', '', 300)),
      'Too many wrong attempts. Try again in 5 minutes.',
    );
    assert.equal(describeError(new ApiError(429, 'locked', '')), 'Too many wrong attempts. Try again later.');
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
