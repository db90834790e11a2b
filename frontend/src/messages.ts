// From a failure to the sentence a person reads. Pure: the views decide where it goes.

import { ApiError, BAD_RESPONSE, NETWORK_ERROR } from './api.js';
import { formatWait } from './dates.js';
import { strings } from './strings.js';

/** Thrown when the user dismisses a step (e.g. the password prompt): no message to show. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
  constructor() {
    super('cancelled by the user');
  }
}

export type ErrorTexts = Partial<Record<string, string>>;

/**
 * The message for an error. `specific` maps contract error codes to the texts
 * that the calling view wants for them; everything else gets a general text.
 */
export function describeError(error: unknown, specific: ErrorTexts = {}): string {
  if (!(error instanceof ApiError)) return strings.errors.generic;
  const chosen = specific[error.code];
  if (chosen !== undefined) return chosen;
  switch (error.code) {
    case NETWORK_ERROR:
      return strings.errors.network;
    case BAD_RESPONSE:
      return strings.errors.badResponse;
    case 'locked':
      return error.retryAfter !== null
        ? strings.errors.locked(formatWait(error.retryAfter))
        : strings.errors.lockedNoTime;
    case 'unauthenticated':
      return strings.signIn.sessionEnded;
    case 'csrf':
      return strings.errors.forbidden;
  }
  if (error.status === 429) {
    return error.retryAfter !== null
      ? strings.errors.rateLimited(formatWait(error.retryAfter))
      : strings.errors.rateLimitedNoTime;
  }
  return error.message.trim() !== '' ? error.message : strings.errors.generic;
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.is(401, 'unauthenticated');
}
