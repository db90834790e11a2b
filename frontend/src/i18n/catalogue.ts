// The type every language's catalogue has, and the catalogues by language. The
// type is the English catalogue's shape with its texts widened to `string`: a
// language that leaves out a key, adds one, or gives a sentence other parameters
// does not compile.

import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import type { Language } from './language.js';

type Shape<T> = {
  readonly [K in keyof T]: T[K] extends string
    ? string
    : T[K] extends (...args: infer A) => string
      ? (...args: A) => string
      : Shape<T[K]>;
};

export type Catalogue = Shape<typeof en>;

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, es, de };
