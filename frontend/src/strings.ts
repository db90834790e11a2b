// The page's words, in the active language: every user-visible string comes from
// strings(), and every date and number from the Intl formatters of locale().
// main.ts chooses the language (i18n/language.ts) before the first view draws.

import { CATALOGUES, type Catalogue } from './i18n/catalogue.js';
import { FALLBACK_LANGUAGE, type Language } from './i18n/language.js';

let active: { language: Language; locale: string } = { language: FALLBACK_LANGUAGE, locale: FALLBACK_LANGUAGE };

/** Switches the page's words to `language`; dates and numbers follow `locale` (e.g. "en-GB"). */
export function useLanguage(language: Language, locale: string = language): void {
  active = { language, locale };
}

export function strings(): Catalogue {
  return CATALOGUES[active.language];
}

export function language(): Language {
  return active.language;
}

/** The BCP 47 locale for Intl's date, time and number formats. */
export function locale(): string {
  return active.locale;
}
