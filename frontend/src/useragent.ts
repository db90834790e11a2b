// A short, human name for a browser from its User-Agent string ("Firefox on
// Linux"). Pure; order of the checks matters because most browsers claim to be
// several others.

import { strings } from './strings.js';

export interface UserAgentInfo {
  browser: string | null;
  os: string | null;
}

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera|OPiOS)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\b(?:Chrome|CriOS|HeadlessChrome|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\b(?:iPhone|iPad).*\bAppleWebKit\//, 'Safari'],
  [/\bMSIE |\bTrident\//, 'Internet Explorer'],
  [/^curl\//, 'curl'],
  [/^python-requests\//, 'Python requests'],
  [/^Mozilla\/[\d.]+ \(compatible; [^)]*bot/i, 'Bot'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

function firstMatch(ua: string, table: ReadonlyArray<readonly [RegExp, string]>): string | null {
  for (const [pattern, name] of table) if (pattern.test(ua)) return name;
  return null;
}

export function parseUserAgent(ua: string | null | undefined): UserAgentInfo {
  const text = (ua ?? '').trim();
  if (text === '') return { browser: null, os: null };
  return { browser: firstMatch(text, BROWSERS), os: firstMatch(text, SYSTEMS) };
}

/** "Chrome on Android", "Firefox", or "Unknown browser". */
export function browserName(ua: string | null | undefined): string {
  const { browser, os } = parseUserAgent(ua);
  const name = browser ?? strings().userAgent.unknownBrowser;
  return os ? strings().userAgent.on(name, os) : name;
}
