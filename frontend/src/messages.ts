// From a failure to the sentence a person reads, in the page's language. Pure: the
// views decide where it goes.

import { ApiError, BAD_RESPONSE, isErrorCode, NETWORK_ERROR } from './api.js';
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
 * that the calling view wants for them; every other code of the contract has a
 * sentence of its own, and only a code the page does not know shows the server's text.
 */
export function describeError(error: unknown, specific: ErrorTexts = {}): string {
  if (!(error instanceof ApiError)) return strings().errors.generic;
  return specific[error.code] ?? waitMessage(error) ?? codeMessage(error);
}

/** How long the server asked to wait (Retry-After), in words; null when it did not say. */
export function retryWait(error: unknown): string | null {
  return error instanceof ApiError && error.retryAfter !== null ? formatWait(error.retryAfter) : null;
}

/** Locks, overload and rate limits with a Retry-After say how long; null for anything else. */
function waitMessage(error: ApiError): string | null {
  const wait = retryWait(error);
  if (wait === null) return null;
  const t = strings().errors;
  if (error.code === 'locked') return t.lockedFor(wait);
  if (isOverload(error)) return t.unavailableFor(wait);
  if (error.status === 429) return t.rateLimitedFor(wait);
  return null;
}

function codeMessage(error: ApiError): string {
  const t = strings().errors;
  // A 503 is overload whatever its body (a proxy's own page included): never a generic failure.
  if (isOverload(error)) return t.byCode.unavailable;
  if (error.code === NETWORK_ERROR) return t.network;
  if (error.code === BAD_RESPONSE) return t.badResponse;
  if (isErrorCode(error.code)) return t.byCode[error.code];
  if (error.status === 429) return t.rateLimited;
  return error.message.trim() !== '' ? error.message : t.generic;
}

function isOverload(error: ApiError): boolean {
  return error.code === 'unavailable' || error.status === 503;
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.is(401, 'unauthenticated');
}
