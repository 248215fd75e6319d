/**
 * A strict, bounded reader for the small XML messages cameras send on their own (WS-Discovery
 * replies arrive unasked from anyone on the LAN). It builds a tree of elements by local name and
 * refuses, rather than repairs, anything it does not expect: a DOCTYPE (entities that expand),
 * an unknown entity, a tag that does not close, text outside the root, too many elements or too
 * deep a tree. Namespace prefixes are dropped: a camera's choice of prefix varies by firmware.
 */

export interface XmlElement {
  /** the local name: `d:ProbeMatch` → `ProbeMatch` */
  readonly name: string;
  readonly children: XmlElement[];
  /** the element's own text, entities resolved (text of its children not included) */
  text: string;
}

export interface XmlLimits {
  maxElements: number;
  maxDepth: number;
}

const NAME = '[A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?';
const START_TAG = new RegExp(`<(${NAME})((?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'y');
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

/** Text with its entities resolved, or undefined when it holds an entity XML does not define itself. */
function unescapeText(raw: string): string | undefined {
  let bad = false;
  const text = raw.replace(/&([^;&\s]{0,12});?/g, (whole, entity: string) => {
    const numeric = /^#(\d{1,7}|x[0-9a-fA-F]{1,6})$/.exec(entity);
    const code = numeric ? (entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10)) : undefined;
    if (!whole.endsWith(';')) bad = true;
    else if (entity in PREDEFINED) return PREDEFINED[entity]!;
    else if (code !== undefined && code <= 0x10ffff) return String.fromCodePoint(code);
    else bad = true;
    return '';
  });
  return bad ? undefined : text;
}

/** The root element, or undefined when the text is not a well-formed document within the limits. */
export function parseXml(source: string, limits: XmlLimits): XmlElement | undefined {
  const stack: { qualified: string; element: XmlElement }[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('<', at);
    const textEnd = open === -1 ? source.length : open;
    if (textEnd > at) {
      const text = unescapeText(source.slice(at, textEnd));
      if (text === undefined) return undefined;
      const parent = stack.at(-1);
      if (parent) parent.element.text += text;
      else if (text.trim() !== '') return undefined;
    }
    if (open === -1) break;
    at = open;
    if (source.startsWith('<?', at)) {
      const end = source.indexOf('?>', at + 2);
      if (end === -1 || root || stack.length > 0) return undefined;
      at = end + 2;
    } else if (source.startsWith('<!--', at)) {
      const end = source.indexOf('-->', at + 4);
      if (end === -1) return undefined;
      at = end + 3;
    } else if (source.startsWith('<![CDATA[', at)) {
      const end = source.indexOf(']]>', at + 9);
      const parent = stack.at(-1);
      if (end === -1 || !parent) return undefined;
      parent.element.text += source.slice(at + 9, end);
      at = end + 3;
    } else if (source.startsWith('</', at)) {
      END_TAG.lastIndex = at;
      const match = END_TAG.exec(source);
      if (!match || stack.pop()?.qualified !== match[1]) return undefined;
      at = END_TAG.lastIndex;
    } else {
      // A DOCTYPE, or any other markup declaration, is refused here.
      START_TAG.lastIndex = at;
      const match = START_TAG.exec(source);
      if (!match || (root && stack.length === 0)) return undefined;
      if (++elements > limits.maxElements || stack.length >= limits.maxDepth) return undefined;
      const element: XmlElement = { name: localName(match[1]!), children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.element.children.push(element);
      else root = element;
      if (match[3] !== '/') stack.push({ qualified: match[1]!, element });
      at = START_TAG.lastIndex;
    }
  }
  return stack.length === 0 ? root : undefined;
}

/** The first child with this local name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** Every child with this local name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** Text made safe inside an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
