// For tests of what the page says in a language: the module state of strings.ts,
// set for one task and put back to English after it.

import type { Language } from '../../src/i18n/language.js';
import { useLanguage } from '../../src/strings.js';

export function inLanguage<T>(language: Language, task: () => T, locale: string = language): T {
  useLanguage(language, locale);
  try {
    return task();
  } finally {
    useLanguage('en');
  }
}
