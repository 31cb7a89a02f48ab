/**
 * A small well-formedness check for the SVG we emit: balanced tags, quoted attributes, escaped
 * text, one <svg> root, and no "NaN" / "undefined" / "Infinity" leaking from bad numbers.
 * Not a full XML parser — just enough to catch the mistakes a string builder can make.
 */

/** Problems found in the document; an empty list means it passed. */
export function svgProblems(svg: string): string[] {
  const problems: string[] = [];
  for (const bad of ["NaN", "undefined", "Infinity", "null"]) {
    if (svg.includes(bad)) problems.push(`contains "${bad}" at offset ${svg.indexOf(bad)}`);
  }
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const tagRe = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  while (i < svg.length) {
    const lt = svg.indexOf("<", i);
    const textEnd = lt < 0 ? svg.length : lt;
    const chunk = svg.slice(i, textEnd);
    if (/&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) problems.push(`unescaped & near offset ${i}`);
    if (chunk.includes(">")) problems.push(`stray > near offset ${i}`);
    if (stack.length === 0 && chunk.trim() !== "") problems.push(`text outside the root near offset ${i}`);
    if (lt < 0) break;
    if (svg.startsWith("<!--", lt)) {
      const end = svg.indexOf("-->", lt);
      if (end < 0) { problems.push("unterminated comment"); break; }
      i = end + 3;
      continue;
    }
    tagRe.lastIndex = lt;
    const m = tagRe.exec(svg);
    if (!m) {
      problems.push(`malformed tag at offset ${lt}: ${svg.slice(lt, lt + 40)}`);
      break;
    }
    const [whole, closing, name, attrs, selfClosing] = m;
    const attrNames = [...attrs!.matchAll(/\s+([A-Za-z_:][\w:.-]*)=/g)].map((a) => a[1]!);
    if (new Set(attrNames).size !== attrNames.length) problems.push(`duplicate attribute in <${name}> at offset ${lt}`);
    for (const a of attrs!.matchAll(/="([^"]*)"/g)) {
      if (/&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)/.test(a[1]!)) problems.push(`unescaped & in attribute at offset ${lt}`);
    }
    if (closing) {
      const top = stack.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? "nothing"}> at offset ${lt}`);
    } else {
      if (stack.length === 0) {
        roots += 1;
        if (name !== "svg") problems.push(`root element is <${name}>, not <svg>`);
      }
      if (!selfClosing) stack.push(name!);
    }
    i = lt + whole!.length;
  }
  if (stack.length > 0) problems.push(`unclosed tags: ${stack.join(" > ")}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}
