// Reading a compose box's plain text without disturbing its editor, and
// mapping the engine's offsets (UTF-16, as JS strings) back to the DOM.
//
// The editors' text models (design.md): Lexical (Facebook) puts each
// paragraph in a <p>, Shift+Enter as a <br> inside it; Draft.js (X) puts
// each block in a div[data-block]; Quill (LinkedIn) puts each line in a
// <p>. An empty editor holds a lone <br>, which reads as nothing. Blocks
// are joined by "\n", as the editors' own getText() would.

/** A point in the DOM: a text node and an offset in it. */
export interface Point {
  node: Text;
  offset: number;
}

/** A compose box's text and the way back from offsets to the DOM. */
export interface TextModel {
  text: string;
  /** The DOM point of an offset, or null for a textarea. */
  locate(offset: number): Point | null;
}

interface Segment {
  node: Text;
  start: number;
}

const BLOCKS = new Set(["P", "DIV", "LI", "UL", "OL", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE"]);

/** Reads a textarea or input. */
export function readField(el: HTMLTextAreaElement | HTMLInputElement): TextModel {
  return { text: el.value, locate: () => null };
}

/** Reads a contenteditable editor. */
export function readEditable(root: Element): TextModel {
  const parts: string[] = [];
  const segments: Segment[] = [];
  let length = 0;
  let leafBlocks = 0;

  const newline = () => {
    parts.push("\n");
    length += 1;
  };

  // A leaf block (one with no blocks inside, such as Draft.js's inner div)
  // is a line; lines are joined by "\n".
  const isLeafBlock = (el: Element) =>
    el !== root && BLOCKS.has(el.tagName) && !el.querySelector([...BLOCKS].join(","));

  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const t = node as Text;
      if (t.data.length === 0) return;
      segments.push({ node: t, start: length });
      parts.push(t.data);
      length += t.data.length;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    if (el.getAttribute("aria-hidden") === "true" || el.getAttribute("contenteditable") === "false") return;
    if (el.tagName === "BR") {
      // A lone <br> holds an empty line open: it is no text.
      if (el.parentNode?.childNodes.length !== 1) newline();
      return;
    }
    if (isLeafBlock(el)) {
      if (leafBlocks > 0) newline();
      leafBlocks++;
    }
    for (let c = el.firstChild; c; c = c.nextSibling) walk(c);
  };
  for (let c = root.firstChild; c; c = c.nextSibling) walk(c);
  const text = parts.join("");

  return {
    text,
    locate(offset: number): Point | null {
      // The last segment starting at or before offset that reaches it.
      let lo = 0;
      let hi = segments.length - 1;
      let found: Segment | undefined;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const s = segments[mid]!;
        if (s.start <= offset) {
          found = s;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (!found) {
        const first = segments[0];
        return first ? { node: first.node, offset: 0 } : null;
      }
      return { node: found.node, offset: Math.min(offset - found.start, found.node.data.length) };
    },
  };
}

/** A DOM Range over [start, end) of a model, or null. */
export function rangeOf(model: TextModel, start: number, end: number, doc: Document = document): Range | null {
  const a = model.locate(start);
  const b = model.locate(end);
  if (!a || !b) return null;
  const r = doc.createRange();
  try {
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
  } catch {
    return null;
  }
  return r;
}
