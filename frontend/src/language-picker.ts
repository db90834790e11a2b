// The header's language picker: a native <select>, labelled in the page's
// language, each language named in itself (and marked with its lang for screen readers).

import { h, uid } from './dom.js';
import { LANGUAGE_NAMES, LANGUAGES, isLanguage, type Language } from './i18n/language.js';
import { icon } from './icons.js';
import { strings } from './strings.js';

export interface LanguagePicker {
  element: HTMLElement;
  /** The language selected now (it may not be the page's yet: see main.ts). */
  value(): Language;
  /** Words the label again, after the page's language changed. */
  relabel(): void;
}

export function languagePicker(initial: Language, onPick: (language: Language) => void): LanguagePicker {
  const id = uid('language');
  const label = h('label', { for: id, class: 'sr-only' });
  const select = h(
    'select',
    { id, name: 'language', class: 'language-select', 'data-testid': 'language-picker' },
    LANGUAGES.map((language) =>
      h('option', { value: language, lang: language, selected: language === initial }, LANGUAGE_NAMES[language]),
    ),
  );
  select.addEventListener('change', () => {
    if (isLanguage(select.value)) onPick(select.value);
  });
  const relabel = (): void => {
    label.textContent = strings().app.language;
  };
  relabel();
  return {
    element: h('div', { class: 'language-picker' }, icon('globe', 'icon icon-sm'), label, select),
    value: () => (isLanguage(select.value) ? select.value : initial),
    relabel,
  };
}
