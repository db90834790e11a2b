// The one module that knows the HTTP contract (shared/DESIGN.md, "HTTP contract").
// Every call is same-origin JSON under /t/{tenant}/api and carries the
// X-Requested-With header the server demands of state-changing requests.

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Every error code the contract defines (functions/api/openapi.json,
 * components.schemas.Error.properties.error.enum); the page has a sentence for each.
 */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'invalid_credentials',
  'invalid_code',
  'flow_expired',
  'unauthenticated',
  'csrf',
  'forbidden',
  'reauthentication_required',
  'unknown_tenant',
  'not_enabled',
  'session_not_found',
  'method_not_allowed',
  'already_enabled',
  'generation_mismatch',
  'payload_too_large',
  'unsupported_media_type',
  'locked',
  'mfa_setup_required',
  'no_pending_setup',
  'setup_expired',
  'second_factor_required',
  'internal',
  'unavailable',
  'invalid_client',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_token',
  'insufficient_scope',
  'request_not_found',
  'not_found',
  'conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** Codes the client itself gives to failures that never reached a JSON answer. */
export const NETWORK_ERROR = 'network_error';
export const BAD_RESPONSE = 'bad_response';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status, or 0 when the server was not reached. */
    readonly status: number,
    /** The contract's error code (`invalid_code`, `locked`, …) or one of ours. */
    readonly code: string,
    message: string,
    /** Seconds to wait, from the Retry-After header, when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  is(status: number, code: string): boolean {
    return this.status === status && this.code === code;
  }
}

export type MfaMethod = 'totp' | 'backup_code';
/** ISO 8601 text, e.g. 2026-11-27T18:01:38Z: the only form the server sends (docs/DECISIONS.md). */
export type Timestamp = string;
/** The code set's version, as the status gave it; regenerate sends it back unchanged. */
export type Generation = string;

export type LoginResult =
  | { status: 'mfa_required'; flow: string; methods: MfaMethod[] }
  | { status: 'authenticated' }
  /** Signed in under the tenant's require_mfa without a second factor: only the set-up is open. */
  | { status: 'mfa_setup_required' };

export interface MfaResult {
  status: 'authenticated';
  backupCodesRemaining: number | null;
}

/** The tenant of the address: its id, and the name people know it by. */
export interface Tenant {
  id: string;
  name: string;
}

export interface Me {
  username: string;
  tenant: string;
  factors: { totp: boolean; backupCodes: boolean };
}

export interface BackupCodeUse {
  at: Timestamp | null;
  ip: string | null;
  userAgent: string | null;
}

export interface BackupCodesStatus {
  enabled: boolean;
  total: number;
  remaining: number;
  createdAt: Timestamp | null;
  lastUsedAt: Timestamp | null;
  generation: Generation | null;
  usage: BackupCodeUse[];
}

export interface NewBackupCodes {
  codes: string[];
  createdAt: Timestamp | null;
  generation: Generation;
}

export interface Session {
  id: string;
  createdAt: Timestamp | null;
  lastSeenAt: Timestamp | null;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** A tenant application's sign-in waiting for this page: whose, and whether it asks for a fresh one. */
export interface PendingAuthorization {
  clientName: string;
  prompt: 'login' | 'none' | null;
}

/** What the page may send an application back with instead of a code. */
export type AuthorizationCancel = 'access_denied' | 'login_required';
/** A pending authenticator set-up: shown once, active only after a current code confirms it. */
export interface TotpSetup {
  /** The key (base32) for typing into the app. */
  secret: string;
  otpauthUri: string;
  /** The key as a QR code: SVG markup of shapes only (the page still imports it element by element). */
  qrSvg: string;
  expiresAt: Timestamp | null;
}

/** One event of the user's own security activity (GET /me/activity), newest first. */
export interface ActivityEvent {
  id: string;
  at: Timestamp | null;
  /** sign_in, backup_codes_added, … (the page names each; an unknown one is "other"). */
  type: string;
  ip: string | null;
  userAgent: string | null;
  /** `user`, `operator`, or `admin:<client id>`. */
  actor: string | null;
  /** A sign-in's method: password, totp, backup_code. */
  method: string | null;
}

/**
 * Seconds to wait from a Retry-After header: either delta-seconds or an
 * HTTP-date (RFC 9110 §10.2.3). Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  if (!/[A-Za-z]/.test(trimmed)) return null; // an HTTP-date names its day and month
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export function apiBase(tenant: string): string {
  return `/t/${encodeURIComponent(tenant)}/api`;
}

export class ApiClient {
  private readonly base: string;

  constructor(
    tenant: string,
    private readonly fetchFn: FetchFn,
    private readonly now: () => number = Date.now,
  ) {
    this.base = apiBase(tenant);
  }

  /** Public: whether the tenant exists (404 unknown_tenant; 400 for an id of the wrong shape). */
  async tenant(): Promise<Tenant> {
    const body = record(await this.request('GET', '/tenant'));
    const id = requiredString(body['tenant'], 'tenant');
    // The name is for the header only: without one, the id stands in (as the server does).
    return { id, name: optionalString(body['name']) ?? id };
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const body = record(await this.request('POST', '/auth/login', { username, password }));
    if (body['status'] === 'mfa_required') {
      const flow = body['flow'];
      if (typeof flow !== 'string' || flow === '') throw badShape('flow');
      return { status: 'mfa_required', flow, methods: mfaMethods(body['methods']) };
    }
    if (body['status'] === 'authenticated') return { status: 'authenticated' };
    if (body['status'] === 'mfa_setup_required') return { status: 'mfa_setup_required' };
    throw badShape('status');
  }

  async mfa(flow: string, method: MfaMethod, code: string): Promise<MfaResult> {
    const body = record(await this.request('POST', '/auth/mfa', { flow, method, code }));
    return { status: 'authenticated', backupCodesRemaining: optionalNumber(body['backup_codes_remaining']) };
  }

  async reauth(password: string): Promise<void> {
    await this.request('POST', '/auth/reauth', { password });
  }

  async logout(): Promise<void> {
    await this.request('POST', '/auth/logout');
  }

  async me(): Promise<Me> {
    const body = record(await this.request('GET', '/me'));
    const factors = isRecord(body['factors']) ? body['factors'] : {};
    return {
      username: requiredString(body['username'], 'username'),
      tenant: typeof body['tenant'] === 'string' ? body['tenant'] : '',
      factors: { totp: factors['totp'] === true, backupCodes: factors['backup_codes'] === true },
    };
  }

  async backupCodesStatus(): Promise<BackupCodesStatus> {
    const body = record(await this.request('GET', '/me/backup-codes'));
    const usage = Array.isArray(body['usage']) ? body['usage'] : [];
    return {
      enabled: body['enabled'] === true,
      total: optionalNumber(body['total']) ?? 0,
      remaining: optionalNumber(body['remaining']) ?? 0,
      createdAt: timestamp(body['created_at'], 'created_at'),
      lastUsedAt: timestamp(body['last_used_at'], 'last_used_at'),
      generation: optionalGeneration(body['generation']),
      usage: usage.filter(isRecord).map((use) => ({
        at: timestamp(use['at'], 'usage at'),
        ip: optionalString(use['ip']),
        userAgent: optionalString(use['user_agent']),
      })),
    };
  }

  async addBackupCodes(): Promise<NewBackupCodes> {
    return newCodes(await this.request('POST', '/me/backup-codes'));
  }

  async regenerateBackupCodes(current: Generation | null): Promise<NewBackupCodes> {
    const payload = current === null ? {} : { generation: current };
    return newCodes(await this.request('POST', '/me/backup-codes/regenerate', payload));
  }

  async removeBackupCodes(): Promise<void> {
    await this.request('DELETE', '/me/backup-codes');
  }

  /** A new pending set-up (403 reauthentication_required when the sign-in is not recent). */
  async startTotpSetup(): Promise<TotpSetup> {
    const body = record(await this.request('POST', '/me/totp'));
    const secret = requiredString(body['secret'], 'secret');
    if (!/^[A-Z2-7]+$/.test(secret)) throw badShape('secret');
    const qrSvg = requiredString(body['qr_svg'], 'qr_svg');
    if (!qrSvg.startsWith('<svg ')) throw badShape('qr_svg');
    return {
      secret,
      otpauthUri: requiredString(body['otpauth_uri'], 'otpauth_uri'),
      qrSvg,
      expiresAt: timestamp(body['expires_at'], 'expires_at'),
    };
  }

  /** Makes the pending set-up the user's authenticator (replacing any before it). */
  async confirmTotp(code: string): Promise<void> {
    await this.request('POST', '/me/totp/confirm', { code });
  }

  async removeTotp(): Promise<void> {
    await this.request('DELETE', '/me/totp');
  }

  async activity(): Promise<ActivityEvent[]> {
    const body = record(await this.request('GET', '/me/activity'));
    const list = Array.isArray(body['events']) ? body['events'] : [];
    return list.filter(isRecord).map((e) => ({
      id: requiredString(e['id'], 'event id'),
      at: timestamp(e['at'], 'event at'),
      type: requiredString(e['type'], 'event type'),
      ip: optionalString(e['ip']),
      userAgent: optionalString(e['user_agent']),
      actor: optionalString(e['actor']),
      method: optionalString(e['method']),
    }));
  }

  async sessions(): Promise<Session[]> {
    const body = record(await this.request('GET', '/me/sessions'));
    const list = Array.isArray(body['sessions']) ? body['sessions'] : [];
    return list.filter(isRecord).map((s) => ({
      id: requiredString(s['id'], 'session id'),
      createdAt: timestamp(s['created_at'], 'session created_at'),
      lastSeenAt: timestamp(s['last_seen_at'], 'session last_seen_at'),
      ip: optionalString(s['ip']),
      userAgent: optionalString(s['user_agent']),
      current: s['current'] === true,
    }));
  }

  async endSession(id: string): Promise<void> {
    await this.request('DELETE', `/me/sessions/${encodeURIComponent(id)}`);
  }

  // --- a tenant application's pending sign-in (OpenID Connect; DESIGN.md) ----------

  /** Public: the request waiting for this page (404 request_not_found when expired or used). */
  async pendingAuthorization(requestId: string): Promise<PendingAuthorization> {
    const body = record(await this.request('GET', `/oidc/requests/${encodeURIComponent(requestId)}`));
    return {
      clientName: requiredString(body['client_name'], 'client_name'),
      prompt: body['prompt'] === 'login' || body['prompt'] === 'none' ? body['prompt'] : null,
    };
  }

  /** The signed-in user goes back to the application with a code: where to send the browser. */
  async completeAuthorization(requestId: string): Promise<string> {
    const body = record(await this.request('POST', `/oidc/requests/${encodeURIComponent(requestId)}/complete`));
    return requiredString(body['redirect_to'], 'redirect_to');
  }

  /** The user goes back to the application with an error instead: where to send the browser. */
  async cancelAuthorization(requestId: string, error: AuthorizationCancel): Promise<string> {
    const body = record(
      await this.request('POST', `/oidc/requests/${encodeURIComponent(requestId)}/cancel`, { error }),
    );
    return requiredString(body['redirect_to'], 'redirect_to');
  }

  /** One HTTP exchange; resolves to the parsed JSON body, or null for an empty one. */
  private async request(method: string, path: string, payload?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Requested-With': 'XMLHttpRequest',
    };
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }

    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(this.base + path, init);
      text = await response.text();
    } catch {
      throw new ApiError(0, NETWORK_ERROR, 'The server could not be reached.');
    }

    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'), this.now());
    let body: unknown = null;
    let parsed = true;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        parsed = false;
      }
    }

    if (response.ok) {
      if (!parsed) throw new ApiError(response.status, BAD_RESPONSE, 'The response was not JSON.', retryAfter);
      return body;
    }
    if (parsed && isRecord(body) && typeof body['error'] === 'string') {
      const message = typeof body['message'] === 'string' ? body['message'] : '';
      throw new ApiError(response.status, body['error'], message, retryAfter);
    }
    throw new ApiError(
      response.status,
      BAD_RESPONSE,
      `HTTP ${response.status} without a JSON error body.`,
      retryAfter,
    );
  }
}

// --- decoding helpers: accept the contract's shapes, refuse anything else cleanly.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw badShape('body');
  return value;
}

function badShape(what: string): ApiError {
  return new ApiError(200, BAD_RESPONSE, `Unexpected response shape (${what}).`);
}

function requiredString(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw badShape(what);
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A time is ISO 8601 text or absent (null); a number or other text is refused, not guessed at. */
function timestamp(value: unknown, what: string): Timestamp | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && ISO_8601.test(value)) return value;
  throw badShape(what);
}

/** The status has no generation while backup codes are off. */
function optionalGeneration(value: unknown): Generation | null {
  return value === null || value === undefined ? null : requiredString(value, 'generation');
}

function mfaMethods(value: unknown): MfaMethod[] {
  const known = Array.isArray(value)
    ? value.filter((m): m is MfaMethod => m === 'totp' || m === 'backup_code')
    : [];
  // An absent or unreadable list: offer both and let the server decide.
  return known.length > 0 ? known : ['totp', 'backup_code'];
}

function newCodes(value: unknown): NewBackupCodes {
  const body = record(value);
  const codes = body['codes'];
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((c) => typeof c === 'string')) {
    throw badShape('codes');
  }
  return {
    codes: codes as string[],
    createdAt: timestamp(body['created_at'], 'created_at'),
    generation: requiredString(body['generation'], 'generation'),
  };
}
