// Small DOM behaviours shared by the views: busy buttons, live messages, focus return.

/**
 * Runs `task` with `button` disabled and aria-busy. Disabling a focused button
 * drops focus in some browsers, so focus is put back when the task ends.
 */
export async function withBusy<T>(button: HTMLButtonElement, task: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    const active = document.activeElement;
    if (button.isConnected && (active === null || active === document.body)) button.focus();
  }
}

/** aria-busy on a region while it loads. */
export function markBusy(region: HTMLElement, busy: boolean): void {
  if (busy) region.setAttribute('aria-busy', 'true');
  else region.removeAttribute('aria-busy');
}

const pending = new WeakMap<HTMLElement, number>();

/** Writes a message into a live region; an equal message is announced again. */
export function say(region: HTMLElement, message: string): void {
  const previous = pending.get(region);
  if (previous !== undefined) window.clearTimeout(previous);
  region.textContent = '';
  if (message === '') return;
  // Clearing first and writing a moment later makes screen readers announce repeats.
  pending.set(
    region,
    window.setTimeout(() => {
      pending.delete(region);
      region.textContent = message;
    }, 50),
  );
}

/**
 * Puts focus back where an action started. If that element was re-rendered,
 * its successor with the same data-focus-key is used, else `fallback`.
 */
export function refocus(opener: HTMLElement | null, fallback: HTMLElement | null): void {
  let target: HTMLElement | null = null;
  if (opener?.isConnected && !isDisabled(opener)) {
    target = opener;
  } else {
    const key = opener?.dataset['focusKey'];
    if (key) {
      const twin = document.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`);
      if (twin && !isDisabled(twin)) target = twin;
    }
  }
  (target ?? fallback)?.focus();
}

/**
 * Like refocus, for the end of a refresh the user did not wait for: focus goes
 * back only if it was lost meanwhile (the element that had it left the page).
 * Where the user has put it since, it stays: they acted after this was decided.
 */
export function returnFocus(opener: HTMLElement | null, fallback: HTMLElement | null): void {
  const active = document.activeElement;
  if (active === null || active === document.body) refocus(opener, fallback);
}

function isDisabled(el: HTMLElement): boolean {
  return el instanceof HTMLButtonElement && el.disabled;
}

/**
 * Re-renders inside `container` without losing keyboard focus: an element with a
 * data-focus-key that had focus hands it to its successor with the same key; when
 * it has none (the element went away), focus goes to `fallback`.
 */
export function preservingFocus(container: HTMLElement, rerender: () => void, fallback?: HTMLElement): void {
  const active = document.activeElement;
  const hadFocus = active instanceof HTMLElement && container.contains(active);
  const key = hadFocus ? active.dataset['focusKey'] : undefined;
  rerender();
  if (!hadFocus || container.contains(document.activeElement)) return;
  const twin = key ? container.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`) : null;
  (twin ?? fallback)?.focus();
}
