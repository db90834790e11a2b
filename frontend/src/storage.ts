// The browser storage the page uses: small preferences and flags, never a secret.

/** The part of the Web Storage API used here (localStorage, or a fake in tests). */
export interface FlagStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** window.localStorage, or null where touching it throws (storage disabled). */
export function browserStore(): FlagStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
