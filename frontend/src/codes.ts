// Backup-code text helpers: normalising what a user types, showing codes, and
// the text of the downloaded file. Pure functions, no DOM.

import { strings } from './strings.js';

/** Upper-case, without spaces or dashes: the form the server compares. */
export function normaliseBackupCode(input: string): string {
  return input.replace(/[\s\-\u2010-\u2015]+/g, '').toUpperCase();
}

/** A typed backup code is plausible when, normalised, it is letters and digits only. */
export function isPlausibleBackupCode(input: string): boolean {
  return /^[A-Z0-9]{4,64}$/.test(normaliseBackupCode(input));
}

/** A TOTP code without the spaces people type or paste ("123 456"). */
export function normaliseTotp(input: string): string {
  return input.replace(/\s+/g, '');
}

export function isValidTotp(input: string): boolean {
  return /^\d{6}$/.test(normaliseTotp(input));
}

/**
 * A code for display, in groups of `size` joined by dashes. Codes that already
 * carry separators (the server formats them) keep their grouping.
 */
export function formatBackupCode(code: string, size = 4): string {
  const trimmed = code.trim();
  if (/[\s-]/.test(trimmed)) return trimmed.toUpperCase().replace(/\s+/g, '-');
  const groups = trimmed.toUpperCase().match(new RegExp(`.{1,${size}}`, 'g'));
  return groups ? groups.join('-') : '';
}

/** File-name-safe form of a tenant or user name. */
function fileNamePart(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._@+-]+/g, '_').replace(/^[._]+/, '');
  return safe === '' ? 'user' : safe;
}

export function codesFileName(tenant: string, username: string): string {
  return `${strings().codesFile.namePrefix}-${fileNamePart(tenant)}-${fileNamePart(username)}.txt`;
}

/** "2025-03-12 10:04 UTC": unambiguous in any locale, for a file kept for years. */
export function fileDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export interface CodesFile {
  tenant: string;
  /** The tenant's display name ("Demo Inc."). */
  tenantName: string;
  username: string;
  created: Date;
  codes: readonly string[];
}

/** The downloaded file: a header (organisation, user, date), a blank line, one code a line. */
export function buildCodesFileText(file: CodesFile): string {
  const t = strings().codesFile;
  const lines = [
    t.title,
    `${t.organisation}: ${organisation(file)}`,
    `${t.user}: ${file.username}`,
    `${t.created}: ${fileDate(file.created)}`,
    t.advice,
    '',
    ...file.codes.map((c) => formatBackupCode(c)),
  ];
  return lines.join('\n') + '\n';
}

/** "Demo Inc. (demo)": the name people know, and the id in the sign-in address. */
function organisation(file: CodesFile): string {
  return file.tenantName === file.tenant ? file.tenant : `${file.tenantName} (${file.tenant})`;
}

/** What Copy Codes puts on the clipboard: the codes alone, one a line. */
export function buildClipboardText(codes: readonly string[]): string {
  return codes.map((c) => formatBackupCode(c)).join('\n');
}

/** An authenticator key as people copy it by hand: groups of four ("JBSW Y3DP EHPK …"). */
export function groupKey(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}
