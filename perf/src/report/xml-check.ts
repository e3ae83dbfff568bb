/**
 * A small XML well-formedness checker, for tests of generated SVG (no parser dependency).
 * Covers what generated documents use: an optional XML declaration, comments, elements with
 * quoted attributes, self-closing tags, text and the predefined/numeric entities. It does not
 * handle DOCTYPEs, CDATA or processing instructions beyond the declaration.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

/** Problems found (empty when well-formed), each with the offset where it was found. */
export function checkWellFormedXml(doc: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  if (doc.startsWith("<?xml")) {
    const end = doc.indexOf("?>");
    if (end < 0) return ["unterminated XML declaration"];
    i = end + 2;
  }
  const checkText = (s: string, at: number, inAttr: boolean) => {
    for (let j = 0; j < s.length; j++) {
      const c = s[j];
      if (c === "<") problems.push(`raw "<" ${inAttr ? "in an attribute value" : "in text"} at ${at + j}`);
      if (c === "&" && !ENTITY.test(s.slice(j))) problems.push(`bare "&" at ${at + j}`);
    }
  };
  while (i < doc.length) {
    const lt = doc.indexOf("<", i);
    const textEnd = lt < 0 ? doc.length : lt;
    const chunk = doc.slice(i, textEnd);
    if (chunk.trim() && stack.length === 0) problems.push(`text outside the root element at ${i}`);
    checkText(chunk, i, false);
    if (lt < 0) break;
    if (doc.startsWith("<!--", lt)) {
      const end = doc.indexOf("-->", lt + 4);
      if (end < 0) return [...problems, `unterminated comment at ${lt}`];
      i = end + 3;
      continue;
    }
    const gt = findTagEnd(doc, lt);
    if (gt < 0) return [...problems, `unterminated tag at ${lt}`];
    const raw = doc.slice(lt + 1, gt);
    i = gt + 1;
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> at ${lt} closes ${open ? `<${open}>` : "nothing"}`);
      continue;
    }
    const selfClosing = raw.endsWith("/");
    const inner = selfClosing ? raw.slice(0, -1) : raw;
    const m = /^([^\s/>]+)/.exec(inner);
    const name = m?.[1] ?? "";
    if (!NAME.test(name)) problems.push(`bad element name ${JSON.stringify(name)} at ${lt}`);
    if (stack.length === 0) roots++;
    problems.push(...checkAttributes(inner.slice(name.length), lt, checkText));
    if (!selfClosing) stack.push(name);
  }
  if (stack.length) problems.push(`unclosed element(s): ${stack.map((s) => `<${s}>`).join(" ")}`);
  if (roots !== 1) problems.push(`expected exactly one root element, found ${roots}`);
  return problems;
}

/** The index of the ">" that ends the tag opening at `lt`, skipping quoted attribute values. */
function findTagEnd(doc: string, lt: number): number {
  let quote: string | undefined;
  for (let j = lt + 1; j < doc.length; j++) {
    const c = doc[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ">") {
      return j;
    } else if (c === "<") {
      return -1;
    }
  }
  return -1;
}

function checkAttributes(rest: string, at: number, checkText: (s: string, at: number, inAttr: boolean) => void): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const attr = /\s+([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/y;
  let pos = 0;
  while (pos < rest.length) {
    if (/^\s*$/.test(rest.slice(pos))) break;
    attr.lastIndex = pos;
    const m = attr.exec(rest);
    if (!m) {
      problems.push(`malformed attribute near ${JSON.stringify(rest.slice(pos, pos + 20))} at ${at}`);
      break;
    }
    const [, name = "", , dq, sq] = m;
    if (!NAME.test(name)) problems.push(`bad attribute name ${JSON.stringify(name)} at ${at}`);
    if (seen.has(name)) problems.push(`duplicate attribute ${name} at ${at}`);
    seen.add(name);
    checkText(dq ?? sq ?? "", at, true);
    pos = attr.lastIndex;
  }
  return problems;
}
