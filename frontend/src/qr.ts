// The set-up's QR code, as the server renders it (an SVG of shapes only), brought
// into the page element by element: only the elements and attributes a QR code
// needs are copied, each value checked, so nothing else the markup might hold
// (a script, a link, an event handler, a style the CSP would refuse) ever reaches the DOM.

const SVG_NS = 'http://www.w3.org/2000/svg';

const NUMBER = /^\d+(?:\.\d+)?$/;
const COLOUR = /^(?:#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|none|black|white)$/;

/** What a QR code's SVG may hold: its elements, and for each attribute the values it may take. */
const ELEMENTS: ReadonlySet<string> = new Set(['svg', 'g', 'path', 'rect']);
const ATTRIBUTES: Readonly<Record<string, RegExp>> = {
  width: NUMBER,
  height: NUMBER,
  x: NUMBER,
  y: NUMBER,
  viewBox: /^\d+(?:\.\d+)?(?: \d+(?:\.\d+)?){3}$/,
  d: /^[MmHhVvLlZz\d.\s,-]+$/,
  fill: COLOUR,
  stroke: COLOUR,
  'stroke-width': NUMBER,
  'shape-rendering': /^crispEdges$/,
  transform: /^(?:scale|translate)\([\d.\s,-]+\)$/,
};

export function isAllowedSvgElement(localName: string): boolean {
  return ELEMENTS.has(localName);
}

/** Whether an attribute, with this value, may be copied: an allowed name without namespace and a value of its shape. */
export function isAllowedSvgAttribute(name: string, value: string): boolean {
  const shape = Object.hasOwn(ATTRIBUTES, name) ? ATTRIBUTES[name] : undefined;
  return shape !== undefined && shape.test(value.trim());
}

/** The viewBox of an SVG that only says its width and height (so that CSS can scale it). */
export function viewBoxOf(width: string | null, height: string | null): string | null {
  return width !== null && height !== null && NUMBER.test(width) && NUMBER.test(height) ? `0 0 ${width} ${height}` : null;
}

function copy(source: Element): SVGElement | null {
  if (source.namespaceURI !== SVG_NS || !isAllowedSvgElement(source.localName)) return null;
  const target = document.createElementNS(SVG_NS, source.localName) as SVGElement;
  for (const attribute of Array.from(source.attributes)) {
    if (attribute.namespaceURI === null && isAllowedSvgAttribute(attribute.name, attribute.value)) {
      target.setAttribute(attribute.name, attribute.value.trim());
    }
  }
  for (const child of Array.from(source.children)) {
    const copied = copy(child);
    if (copied) target.appendChild(copied);
  }
  return target;
}

/** The QR code as an image named `label`, or null when the markup is not an SVG the page can show. */
export function qrImage(markup: string, label: string): SVGSVGElement | null {
  const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = parsed.documentElement;
  if (parsed.getElementsByTagName('parsererror').length > 0 || root.localName !== 'svg') return null;
  const svg = copy(root) as SVGSVGElement | null;
  if (!svg) return null;
  const viewBox = svg.getAttribute('viewBox') ?? viewBoxOf(svg.getAttribute('width'), svg.getAttribute('height'));
  if (viewBox) svg.setAttribute('viewBox', viewBox);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('class', 'qr-image');
  svg.setAttribute('focusable', 'false');
  return svg;
}
