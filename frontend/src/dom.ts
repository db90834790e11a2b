// A tiny element builder. Text always goes in as text nodes (never innerHTML),
// and no inline style attribute is ever written: the page runs under a strict CSP.
// It sets attributes only; listeners are attached with addEventListener, the one
// way the page does it.

export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'style') throw new Error('inline styles are not allowed under the CSP');
    // An on… attribute would be inline script, which the CSP refuses as well.
    if (/^on/i.test(name)) throw new Error(`attach ${name} with addEventListener`);
    if (value === true) {
      el.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Text read by screen readers but not shown. */
export function srOnly(text: string): HTMLSpanElement {
  return h('span', { class: 'sr-only' }, text);
}

let idCounter = 0;
/** A document-unique id for label/description wiring. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** Replaces the children of `el`; null/false children are skipped as in h(). */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/**
 * Makes `children` the element children of `parent`, in this order, moving only
 * what is out of place: an element that stays is not taken out, so it keeps focus
 * and a click that is under way on it.
 */
export function placeInOrder(parent: Element, children: readonly Element[]): void {
  children.forEach((child, index) => {
    const there = parent.children[index] ?? null;
    if (there !== child) parent.insertBefore(child, there);
  });
  while (parent.children.length > children.length) parent.lastElementChild?.remove();
}
