// Which language the page speaks: the reader's stored choice, else the best match
// among the browser's preferred languages, else English. Pure, but for the one
// browser-storage key (a preference, never a secret).

import type { FlagStore } from '../storage.js';

export const LANGUAGES = ['en', 'es', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';

/** Each language by its own name: a reader who cannot read the page still finds theirs. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  es: 'Español',
  de: 'Deutsch',
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The language of a BCP 47 tag ("de-CH" → "de"), or null when the page does not speak it. */
function languageOf(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : null;
}

/**
 * The first of the browser's languages (most preferred first, as navigator.languages
 * lists them) that the page speaks, by its primary subtag; English when none is.
 */
export function negotiateLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const language = languageOf(tag);
    if (language) return language;
  }
  return FALLBACK_LANGUAGE;
}

/**
 * The locale for dates and numbers: the browser's own regional variant of the
 * language when it lists one ("en-GB" writes 12 Mar 2025, "en-US" Mar 12, 2025),
 * else the language itself.
 */
export function formattingLocale(language: Language, preferred: readonly string[]): string {
  const regional = preferred.find((tag) => languageOf(tag) === language);
  if (regional === undefined) return language;
  try {
    return Intl.getCanonicalLocales(regional)[0] ?? language;
  } catch {
    return language; // not a well-formed tag
  }
}

export const LANGUAGE_KEY = 'backup-codes:language';

/** The language the reader picked earlier on this browser, if any (and if still offered). */
export function storedLanguage(store: FlagStore | null): Language | null {
  try {
    const value = store?.getItem(LANGUAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null; // storage refused: the browser's languages decide
  }
}

export function storeLanguage(store: FlagStore | null, language: Language): void {
  try {
    store?.setItem(LANGUAGE_KEY, language);
  } catch {
    // Storage refused (private mode, quota): the choice lasts until the page is left.
  }
}

/** The language to show: a stored choice wins over the browser's preferences. */
export function chooseLanguage(store: FlagStore | null, preferred: readonly string[]): Language {
  return storedLanguage(store) ?? negotiateLanguage(preferred);
}
