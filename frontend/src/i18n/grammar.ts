// Numbers and plurals for a catalogue, through Intl: each language's own plural
// categories (Spanish has "many" for a million, for one) and digit grouping.

/** The plural forms a sentence has; `other` is the one every language has. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface Grammar {
  /** The number as the language writes it ("1,000" / "1.000"). */
  num(n: number): string;
  /** The form for `n`, with each `#` replaced by the number: count(3, {one: '# code', other: '# codes'}). */
  count(n: number, forms: PluralForms): string;
}

export function grammar(language: string): Grammar {
  const numbers = new Intl.NumberFormat(language);
  const plurals = new Intl.PluralRules(language);
  const num = (n: number): string => numbers.format(n);
  return {
    num,
    count: (n, forms) => (forms[plurals.select(n)] ?? forms.other).replaceAll('#', num(n)),
  };
}
