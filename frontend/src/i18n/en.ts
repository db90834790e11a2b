// English: the source catalogue. Its shape is the Catalogue type that every other
// language must fill completely (catalogue.ts); functions stand for sentences with
// parameters, and choose their plural forms through Intl (grammar.ts).
// Accessible names here are also the browser tests' hooks: change them with the tests.

import type { ErrorCode } from '../api.js';
import { grammar } from './grammar.js';

const { num, count } = grammar('en');

export const en = {
  app: {
    /** Beside the tenant's name in the header. */
    product: 'Account',
    skipToContent: 'Skip to content',
    loading: 'Loading…',
    retry: 'Try again',
    /** The label of the header's language picker. */
    language: 'Language',
    noTenantTitle: 'Address not recognised',
    noTenantBody:
      'This page must be opened from your organisation’s sign-in link, which looks like /t/your-organisation/.',
    unknownTenantTitle: 'This page does not exist',
    unknownTenantBody:
      'There is no sign-in page at this address. Check the link you were given, or ask your administrator for the right one.',
    checkFailed: 'This page could not be loaded',
    notFoundTitle: 'Page not found',
    notFoundBody: 'There is nothing at this address.',
    notFoundLink: 'Go to your account',
    /** After the page's own title in the browser tab: "Sign in · Demo Inc. account". */
    titleSuffix: (tenant: string) => `${tenant} account`,
  },

  signIn: {
    title: 'Sign in',
    intro: (tenant: string) => `Sign in to your ${tenant} account.`,
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    usernameRequired: 'Enter your username and password.',
    /** 429 locked at the password step: too many wrong passwords; it never lasts for good. */
    passwordLocked: 'Sign-in is paused after too many wrong passwords. Try again in a few minutes.',
    passwordLockedFor: (wait: string) => `Sign-in is paused after too many wrong passwords. Try again in ${wait}.`,
    mfaTitle: 'Two-step verification',
    totpIntro: 'Enter the 6-digit code from your authenticator app.',
    totpLabel: 'Authentication code',
    totpHint: '6 digits, no spaces needed.',
    totpInvalidFormat: 'Enter the 6-digit code from your authenticator app.',
    backupIntro: 'Enter one of your backup codes. Each code works only once.',
    backupLabel: 'Backup code',
    backupHint: 'For example ABCD-EFGH-JKLM-NPQR. Dashes, spaces and letter case do not matter.',
    backupInvalidFormat: 'Enter a backup code: letters and digits, with or without dashes.',
    useBackupCode: 'Use a backup code instead',
    useTotp: 'Use your authenticator app instead',
    verify: 'Verify',
    startOver: 'Start over',
    invalidTotp: 'That code is not correct. Check your authenticator app and try again.',
    invalidBackupCode: 'That backup code is not correct or has already been used.',
    flowExpired:
      'Your sign-in expired or had too many wrong codes. Enter your username and password again.',
    sessionEnded: 'Your session ended. Sign in again.',
    signedOut: 'You are signed out.',
  },

  /** A tenant application's sign-in and sign-out through this page (views/authorize.ts). */
  authorize: {
    /** The heading and title: the application's name, as its operator registered it. */
    title: (client: string) => `Sign in to ${client}`,
    intro: (tenant: string) => `Use your ${tenant} account.`,
    back: (client: string) => `Back to ${client}`,
    loading: 'Loading the sign-in request…',
    continuing: (client: string) => `Signing you in to ${client}…`,
    returning: (client: string) => `Returning to ${client}…`,
    signedInAs: (username: string) => `You are signed in as ${username}.`,
    confirmIntro: (client: string) => `${client} asks you to confirm your password before you continue.`,
    confirm: 'Confirm your password',
    /** The password prompt's sentence when an application asks for a fresh sign-in. */
    reauthBody: (client: string) => `${client} asks you to confirm that it is you. Enter your password to continue.`,
    expiredTitle: 'This sign-in request has expired',
    expiredBody:
      'It was already used or waited too long. Go back to the application and sign in from there again.',
    goToAccount: 'Go to your account',
    failedTitle: 'The sign-in could not continue',
    refusedTitle: 'The application’s request was refused',
    /** Why; the page went nowhere, and says the code for the application's support. */
    errors: {
      unknown_client:
        'The application that sent you here is not registered with this organisation. Check the link you followed, or contact the application’s support.',
      invalid_redirect_uri:
        'The application asked to send you back to an address it has not registered, so you were not sent there. Contact the application’s support.',
      invalid_request:
        'The application sent a request that cannot be read. Go back and try again, or contact the application’s support.',
      other: 'The application’s request cannot be completed. Go back and try again, or contact the application’s support.',
    },
    errorCode: (code: string) => `Error code: ${code}`,
    signOutTitle: 'Sign out?',
    signOutBody: (tenant: string) =>
      `An application asked to sign you out of your ${tenant} account. Signing out here also signs you out of the applications you signed in to with it.`,
    signOut: 'Sign out',
    staySignedIn: 'Stay signed in',
    /** Under the tenant's require_mfa: an authenticator first, then on to the application. */
    setupIntro: (tenant: string, client: string) =>
      `${tenant} requires a second step when you sign in. Set up an authenticator app, then you continue to ${client}.`,
  },

  errors: {
    network: 'Cannot reach the server. Check your connection and try again.',
    badResponse: 'The server sent an unexpected answer. Try again in a moment.',
    generic: 'Something went wrong. Try again.',
    lockedFor: (wait: string) => `Your account is locked after too many wrong attempts. Try again in ${wait}.`,
    unavailableFor: (wait: string) => `The service is busy. Try again in ${wait}.`,
    rateLimited: 'Too many requests. Try again in a moment.',
    rateLimitedFor: (wait: string) => `Too many requests. Try again in ${wait}.`,
    /** A sentence for every code of the contract; the views may say more in their place. */
    byCode: {
      invalid_request: 'The server did not accept what was sent. Check your entries and try again.',
      invalid_json: 'The server could not read the request. Reload the page and try again.',
      invalid_credentials: 'The username or password is not correct.',
      invalid_code: 'That code is not correct.',
      flow_expired:
        'Your sign-in expired or had too many wrong codes. Enter your username and password again.',
      unauthenticated: 'Your session ended. Sign in again.',
      csrf: 'This action is not allowed. Reload the page and try again.',
      forbidden: 'Access was refused. Reload the page and try again.',
      reauthentication_required: 'Confirm your password to continue.',
      unknown_tenant: 'There is no sign-in page at this address.',
      not_enabled: 'You have no backup codes.',
      session_not_found: 'That session has already ended.',
      method_not_allowed: 'The server does not accept this request. Reload the page and try again.',
      already_enabled: 'You already have backup codes.',
      generation_mismatch:
        'Your backup codes were changed somewhere else. Reload the page to see the latest status.',
      payload_too_large: 'What you entered is too long.',
      unsupported_media_type: 'The server could not read the request. Reload the page and try again.',
      locked:
        'Your account is locked after too many wrong attempts. Try again later, or ask your administrator to unlock it.',
      mfa_setup_required: 'Your organisation requires an authenticator app. Set one up to continue.',
      no_pending_setup: 'There is no authenticator set-up to confirm. Start the set-up again.',
      setup_expired: 'This set-up has expired or had too many wrong codes. Start the set-up again.',
      second_factor_required:
        'Your organisation requires a second factor, and this is your only one. Add another one before removing it.',
      internal: 'Something went wrong on the server. Try again in a moment.',
      unavailable: 'The service is busy. Try again in a moment.',
      invalid_client: 'The application could not be identified. Contact your administrator.',
      invalid_grant: 'The sign-in request is no longer valid. Go back to the application and sign in again.',
      unsupported_grant_type: 'The application asked for something the service does not support. Contact your administrator.',
      invalid_scope: 'The application asked for access the service does not grant. Contact your administrator.',
      invalid_token: 'The access token is not valid or has expired. Sign in again.',
      insufficient_scope: 'You do not have permission to do this.',
      request_not_found: 'This sign-in request has expired or was already used. Go back to the application and sign in again.',
      not_found: 'What you asked for does not exist.',
      conflict: 'This conflicts with a change made somewhere else. Reload the page and try again.',
    } satisfies Record<ErrorCode, string>,
  },

  header: {
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
  },

  account: {
    title: 'Recovery Options',
    breadcrumbLabel: 'Breadcrumb',
    crumbSecurity: 'Security',
    crumbAdditional: 'Additional Authentication',
    crumbRecovery: 'Recovery Options',
    intro:
      'Recovery options let you sign in when you cannot get a code from your authenticator app.',
    loadFailed: 'Your account could not be loaded.',
  },

  // --- Additional Authentication: the authenticator app, the set-up that require_mfa
  // asks for, and the user's own security activity.

  setupRequired: {
    title: 'Set up your authenticator app',
    intro: (tenant: string) =>
      `${tenant} requires a second step when you sign in. Set up an authenticator app to continue to your account.`,
    start: 'Set up authenticator app',
  },

  authenticator: {
    heading: 'Authenticator app',
    description: 'An app on your phone, such as Google Authenticator or Microsoft Authenticator, gives you a code each time you sign in.',
    sessionsNote: 'Setting up, replacing or removing the authenticator app signs you out of your other sessions.',
    loading: 'Loading your authenticator app…',
    loadFailed: 'The status of your authenticator app could not be loaded.',
    on: 'Your authenticator app is set up. Each sign-in asks for a code from it.',
    off: 'You have no authenticator app set up.',
    enabledBadge: 'On',
    disabledBadge: 'Off',
    setUp: 'Set up authenticator app',
    replace: 'Replace authenticator app',
    remove: 'Remove authenticator app',
    added: 'Your authenticator app is set up. Any other sessions of yours were signed out.',
    replaced: 'Your new authenticator app is set up; the old one no longer works. Any other sessions of yours were signed out.',
    removed: 'Your authenticator app was removed. Any other sessions of yours were signed out.',
    notEnabledAnymore: 'You no longer have an authenticator app. The latest status is shown now.',
  },

  /** 409 second_factor_required: under the tenant's require_mfa, the last second factor stays. */
  lastFactor: {
    totp: 'Your organisation requires a second factor, and your authenticator app is your only one. Add backup codes before removing it.',
    codes: 'Your organisation requires a second factor, and your backup codes are your only one. Set up an authenticator app before removing them.',
  },

  totpSetupDialog: {
    title: 'Set up your authenticator app',
    replaceTitle: 'Replace your authenticator app',
    scan: 'Scan this QR code with your authenticator app.',
    replaceNote: 'Your current authenticator app keeps working until you confirm the new one.',
    qrLabel: 'QR code for your authenticator app',
    qrMissing: 'The QR code cannot be shown. Enter the key below instead.',
    keyIntro: 'Cannot scan it? Enter this key in the app instead:',
    keyLabel: 'Key',
    copyKey: 'Copy key',
    keyCopied: 'Key copied',
    keyCopyFailed: 'The key could not be copied. Type it in instead.',
    expires: (time: string) => `Confirm before ${time}.`,
    codeLabel: 'Code from the app',
    codeHint: 'The 6-digit code the app shows now.',
    confirm: 'Confirm',
    cancel: 'Cancel',
    startAgain: 'Start again',
    invalidFormat: 'Enter the 6-digit code that the app shows.',
    invalidCode: 'That code is not correct. Enter the code the app shows now; check that the time on your phone is right.',
    expired: 'This set-up has expired or had too many wrong codes. Start again to get a new key.',
  },

  removeTotpDialog: {
    title: 'Remove authenticator app?',
    body: 'Codes from your authenticator app stop working at once. You will be signed out of your other sessions.',
    confirm: 'Remove',
    cancel: 'Cancel',
  },

  codesOffer: {
    title: 'Add backup codes too?',
    body: 'If you lose your phone, backup codes let you sign in. Each code works once; you see them only now.',
    confirm: 'Add backup codes',
    cancel: 'Not now',
  },

  activity: {
    heading: 'Recent security activity',
    description: 'Sign-ins and changes to your account’s security, newest first.',
    loading: 'Loading your recent activity…',
    loadFailed: 'Your recent activity could not be loaded.',
    empty: 'No security activity yet.',
    listLabel: 'Recent security events',
    refresh: 'Refresh activity',
    ip: 'IP address',
    byOperator: 'By the service operator',
    byAdmin: 'By an administrator',
    /** What happened, by the audit event's type (and a sign-in's method). */
    events: {
      sign_in: 'Signed in',
      sign_in_password: 'Signed in with your password',
      sign_in_totp: 'Signed in with your authenticator app',
      sign_in_backup_code: 'Signed in with a backup code',
      sign_in_failed: 'Failed sign-in',
      sign_in_failed_password: 'Failed sign-in: wrong password',
      sign_in_failed_totp: 'Failed sign-in: wrong authenticator code',
      sign_in_failed_backup_code: 'Failed sign-in: wrong backup code',
      second_factor_locked: 'Second step locked after too many wrong codes',
      backup_code_used: 'Backup code used',
      backup_codes_added: 'Backup codes added',
      backup_codes_regenerated: 'Backup codes regenerated',
      backup_codes_removed: 'Backup codes removed',
      authenticator_added: 'Authenticator app set up',
      authenticator_removed: 'Authenticator app removed',
      mfa_reset: 'Second factors reset',
      unlocked: 'Account unlocked',
      sessions_ended: 'Sessions ended',
      user_created: 'Account created',
      user_deleted: 'Account deleted',
      password_reset: 'Password reset',
      email_changed: 'Email address changed',
      other: 'Other security event',
    },
  },

  backupNotice: {
    remaining: (n: number) =>
      n === 0
        ? 'You signed in with a backup code. You have no backup codes left.'
        : count(n, {
            one: 'You signed in with a backup code. You have # backup code left.',
            other: 'You signed in with a backup code. You have # backup codes left.',
          }),
    regenerateAdvice: 'Regenerate your backup codes now so that you do not run out.',
    regenerateNow: 'Regenerate codes now',
    dismiss: 'Dismiss',
  },

  codes: {
    heading: 'Backup codes',
    description:
      'One-time codes to sign in with when you cannot use your authenticator app. Keep them somewhere safe.',
    sessionsNote: 'Adding, regenerating or removing backup codes signs you out of your other sessions.',
    loading: 'Loading backup codes…',
    loadFailed: 'The status of your backup codes could not be loaded.',
    notEnabled: 'You have no backup codes.',
    add: 'Add backup codes',
    regenerate: 'Regenerate backup codes',
    remove: 'Remove backup codes',
    enabledBadge: 'On',
    disabledBadge: 'Off',
    left: (n: number, total: number) => `${num(n)} of ${num(total)} codes left`,
    fewLeft: (n: number) =>
      n === 0
        ? 'You have used all your backup codes. Regenerate them to get a new set.'
        : count(n, {
            one: 'Only # code left. Regenerate them to get a new set.',
            other: 'Only # codes left. Regenerate them to get a new set.',
          }),
    created: 'Created',
    lastUsed: 'Last used',
    neverUsed: 'Never',
    usageHeading: 'Recent use',
    usageCaption: 'Sign-ins with a backup code',
    usageEmpty: 'No backup code has been used yet.',
    usageIp: 'IP address',
    generationMismatch:
      'Your backup codes were changed somewhere else, for example in another tab. The latest status is shown now.',
    alreadyEnabled: 'You already have backup codes. The latest status is shown now.',
    notEnabledAnymore: 'You no longer have backup codes. The latest status is shown now.',
    added: 'Backup codes are on. Any other sessions of yours were signed out.',
    regenerated: 'You have new backup codes; the old ones no longer work. Any other sessions of yours were signed out.',
    removed: 'Your backup codes were removed. Any other sessions of yours were signed out.',
  },

  codesDialog: {
    title: 'Your backup codes',
    /** No full stop at the end: a tenant's name may end in one ("Demo Inc."). */
    meta: (username: string, tenant: string, created: string) => `For ${username} (${tenant}), created ${created}`,
    onceEach: 'Each code can be used only once.',
    shownOnce:
      'These codes are shown only this once. Download, copy or print them and keep them somewhere safe.',
    listLabel: 'Backup codes',
    download: 'Download Codes',
    copy: 'Copy Codes',
    print: 'Print',
    copied: 'Copied',
    copyFailed: 'The codes could not be copied. Use Download Codes or Print instead.',
    downloaded: 'Download started',
    confirmSaved: 'I have saved these codes',
    close: 'Close',
    confirmFirst: 'Confirm that you have saved these codes before closing this window.',
  },

  /** The downloaded codes file. */
  codesFile: {
    /** The start of the file's name; letters, digits and dashes only. */
    namePrefix: 'backup-codes',
    title: 'Backup codes',
    organisation: 'Organisation',
    user: 'User',
    created: 'Created',
    advice: 'Each code can be used only once. Keep this file somewhere safe.',
  },

  regenerateDialog: {
    title: 'Regenerate backup codes?',
    body: 'Your current backup codes stop working at once and a new set of codes is shown once. You will be signed out of your other sessions.',
    confirm: 'Regenerate',
    cancel: 'Cancel',
  },

  removeDialog: {
    title: 'Remove backup codes?',
    body: 'Your backup codes stop working at once. You will be signed out of your other sessions.',
    confirm: 'Remove',
    cancel: 'Cancel',
  },

  reauthDialog: {
    title: 'Confirm your password to continue',
    body: 'For your security, enter your password again before changing your authenticator app, backup codes or sessions.',
    password: 'Password',
    confirm: 'Confirm',
    cancel: 'Cancel',
    wrongPassword: 'That password is not correct.',
    passwordRequired: 'Enter your password.',
  },

  sessions: {
    heading: 'Sessions',
    description: 'Devices and browsers where you are signed in.',
    loading: 'Loading sessions…',
    loadFailed: 'Your sessions could not be loaded.',
    empty: 'No open sessions.',
    listLabel: 'Open sessions',
    thisDevice: 'This device',
    ip: 'IP address',
    created: 'Signed in',
    lastSeen: 'Last seen',
    end: 'End session',
    /** Read after "End session" by screen readers, to say which one. */
    endWhich: (browser: string, ip: string, lastSeen: string | null) =>
      lastSeen ? ` (${browser}, ${ip}, last seen ${lastSeen})` : ` (${browser}, ${ip})`,
    ended: 'The session was ended.',
    refresh: 'Refresh sessions',
  },

  userAgent: {
    unknownBrowser: 'Unknown browser',
    on: (browser: string, os: string) => `${browser} on ${os}`,
  },

  dates: {
    unknown: 'Unknown',
    /** Less than a minute ago. */
    justNow: 'just now',
    /** "2 days ago (12 Mar 2025, 10:04)". */
    relativeWithAbsolute: (relative: string, absolute: string) => `${relative} (${absolute})`,
  },
};
