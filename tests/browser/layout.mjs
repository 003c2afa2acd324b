// The layout checks, run inside a page at one viewport width (check.mjs passes `layout` to
// page.evaluate, so it must not use anything from this module's scope). Returns what it found;
// tests/browser.rs decides what fails.
//
// Only what is rendered counts: an element without client rects (display: none, inside a closed
// <details>, hidden by a media query) or with visibility: hidden is skipped.

/**
 * @param {string[]} units the units numbers are written with ("%", "tỷ đồng", …)
 * @returns {{scrollWidth: number, clientWidth: number, cells: object[], scrollers: object[],
 *   chartText: object[], unitBreaks: object[]}}
 */
export function layout(units) {
  const TOLERANCE = 1; // px: sub-pixel rounding of borders and percentages
  // Visually hidden on purpose (the usual screen-reader-only pattern: a 1 px box, clipped),
  // like a table's header row when the table is shown as one block per row on a phone.
  const srOnly = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const cs = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      const clipped = cs.clipPath.startsWith("inset(50%") || (cs.clip && cs.clip.startsWith("rect(0"));
      if (clipped && r.width <= 1 && r.height <= 1) return true;
    }
    return false;
  };
  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !srOnly(el);
  const clean = (s) => s.replace(/\s+/g, " ").trim();
  const snippet = (s, n = 60) => (clean(s).length > n ? clean(s).slice(0, n - 1) + "…" : clean(s));

  /** Where an element is, for a developer: the nearest id, then tag.class steps down to it. */
  function where(el) {
    const steps = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      if (e.id) { steps.unshift(`#${e.id}`); break; }
      const cls = [...e.classList].slice(0, 2).map((c) => `.${c}`).join("");
      steps.unshift(`${e.tagName.toLowerCase()}${cls}`);
    }
    return (steps.length > 4 ? [steps[0], "…", ...steps.slice(-3)] : steps).join(" > ");
  }

  /** A table for a developer: where it is and its caption. */
  function tableName(table) {
    const caption = table.caption ? ` "${snippet(table.caption.innerText, 50)}"` : "";
    return `${where(table)}${caption}`;
  }

  /** A cell for a developer: its table, row and column header. */
  function cellName(cell) {
    const row = cell.parentElement;
    const table = cell.closest("table");
    const body = [...table.rows].filter((r) => r.parentElement !== table.tHead);
    const rowName = row.parentElement === table.tHead ? "header row" : `row ${body.indexOf(row) + 1}`;
    const header = table.tHead?.rows[0]?.cells[cell.cellIndex];
    const column = header && header !== cell ? `column "${snippet(header.innerText, 30)}"` : `column ${cell.cellIndex + 1}`;
    return `${tableName(table)} ${rowName} ${column}`;
  }

  // 1. Table cells: the cell's content is wider than its box (it overflows or is clipped), a
  // descendant's box sticks out of the cell's border box, or an ancestor that clips
  // (overflow: hidden/clip) cuts the cell. Scrolling ancestors are reported as scrollers below.
  const cells = [];
  for (const cell of document.querySelectorAll("td, th")) {
    if (!rendered(cell)) continue;
    const box = cell.getBoundingClientRect();
    const why = [];
    if (cell.scrollWidth > cell.clientWidth + TOLERANCE) {
      why.push(`content ${cell.scrollWidth} px wide in a ${cell.clientWidth} px cell`);
    }
    const range = document.createRange();
    range.selectNodeContents(cell);
    const out = [...range.getClientRects()].filter((r) => r.width > 0 &&
      (r.right > box.right + TOLERANCE || r.left < box.left - TOLERANCE));
    if (out.length) {
      const worst = Math.max(...out.map((r) => Math.max(r.right - box.right, box.left - r.left)));
      why.push(`content sticks out of the cell by ${Math.round(worst)} px`);
    }
    for (let a = cell.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow !== "hidden" && overflow !== "clip") continue;
      const clip = a.getBoundingClientRect();
      const left = clip.left + a.clientLeft;
      const right = left + a.clientWidth;
      if (box.right > right + TOLERANCE || box.left < left - TOLERANCE) {
        why.push(`cut by ${where(a)} (overflow-x: ${overflow})`);
      }
    }
    if (why.length) cells.push({ cell: cellName(cell), text: snippet(cell.innerText), why: why.join("; ") });
  }

  // 2. Anything that scrolls sideways: the page itself (reported by its widths) and every element
  // whose content is wider than its scrolling box, such as a .table-scroll wrapper around a
  // table that does not fit. A wrapper around a table that fits does not scroll and passes.
  const scrollers = [];
  for (const el of document.body.querySelectorAll("*")) {
    const overflow = getComputedStyle(el).overflowX;
    if (overflow !== "auto" && overflow !== "scroll") continue;
    if (!rendered(el) || el.scrollWidth <= el.clientWidth + TOLERANCE) continue;
    const table = el.querySelector("table");
    let hidden = "";
    if (table) {
      // The columns a reader does not see without scrolling.
      const right = el.getBoundingClientRect().left + el.clientLeft + el.clientWidth;
      const cut = [...(table.tHead?.rows[0]?.cells ?? table.rows[0]?.cells ?? [])]
        .filter((c) => c.getBoundingClientRect().right > right + TOLERANCE)
        .map((c) => `"${snippet(c.innerText, 30)}"`);
      if (cut.length) hidden = `; columns cut off: ${cut.join(", ")}`;
    }
    scrollers.push({
      element: table ? `table ${tableName(table)} (its ${where(el).split(" > ").pop()} wrapper)` : where(el),
      why: `content ${el.scrollWidth} px wide in a ${el.clientWidth} px box${hidden}`,
    });
  }

  // 3. Chart text. The computed font-size of an SVG <text> (its font-size attribute, or CSS that
  // overrides it) is in the text's user units; getScreenCTM() maps user units to CSS px of the
  // viewport, including the viewBox scaling, preserveAspectRatio letterboxing and any transform,
  // so the length of the mapped vertical unit vector times the font-size is the rendered em size
  // in CSS px. (Width ÷ viewBox width alone would miss "meet" letterboxing and transforms.)
  const chartText = [];
  for (const text of document.querySelectorAll("svg text, svg tspan")) {
    const own = [...text.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join("");
    if (!own.trim()) continue;
    const ctm = text.getScreenCTM();
    const box = text.getBoundingClientRect();
    if (!ctm || box.width === 0 || box.height === 0 || getComputedStyle(text).visibility === "hidden") continue;
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(ctm.c, ctm.d);
    const svg = text.ownerSVGElement;
    const title = svg.querySelector("title")?.textContent;
    chartText.push({
      chart: `${where(svg)}${title ? ` "${snippet(title, 50)}"` : ""}`,
      text: snippet(own, 40),
      px: Math.round(size * 100) / 100,
    });
  }

  // 4. A number and its unit on two lines ("7,09" at the end of one line, "%" starting the
  // next). Text is read in runs: the text nodes of one block, in order, so "<b>7,09</b> %" is
  // found too. For each number followed by optional spaces (plain, no-break, narrow no-break,
  // thin) and a unit, the rects of the number's last character and the unit's first character
  // must share a line: the vertical middle of one lies within the other's top and bottom.
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const alternatives = [...units].sort((a, b) => b.length - a.length).map(escape).join("|");
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}.,])(\\d+(?:[.,]\\d+)*)([ \\u00A0\\u202F\\u2009]*)(?:${alternatives})(?![\\p{L}\\p{N}])`, "gu");
  const blockOf = new Map();
  const block = (el) => {
    if (blockOf.has(el)) return blockOf.get(el);
    const display = getComputedStyle(el).display;
    const b = display.startsWith("inline") || display === "contents" ? block(el.parentElement) : el;
    blockOf.set(el, b);
    return b;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest("svg, script, style, noscript, template, textarea")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const runs = [];
  let run = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const b = block(n.parentElement);
    if (!run || run.block !== b) runs.push(run = { block: b, nodes: [], text: "" });
    run.nodes.push({ node: n, start: run.text.length });
    run.text += n.data;
  }
  const at = (r, offset) => {
    let i = r.nodes.length - 1;
    while (i > 0 && r.nodes[i].start > offset) i--;
    return { node: r.nodes[i].node, offset: offset - r.nodes[i].start };
  };
  const charRect = (r, offset) => {
    const { node, offset: o } = at(r, offset);
    const range = document.createRange();
    range.setStart(node, o);
    range.setEnd(node, o + 1);
    return [...range.getClientRects()].find((x) => x.height > 0) ?? null;
  };
  const unitBreaks = [];
  for (const r of runs) {
    if (!/\d/.test(r.text)) continue;
    for (const m of r.text.matchAll(pattern)) {
      const numberEnd = m.index + m[1].length - 1;
      const unitStart = m.index + m[1].length + m[2].length;
      const a = charRect(r, numberEnd);
      const b = charRect(r, unitStart);
      if (!a || !b) continue;
      const mid = (x) => (x.top + x.bottom) / 2;
      const sameLine = (mid(a) >= b.top && mid(a) <= b.bottom) || (mid(b) >= a.top && mid(b) <= a.bottom);
      if (!sameLine) {
        const context = r.text.slice(Math.max(0, m.index - 25), m.index + m[0].length + 15);
        unitBreaks.push({ element: where(r.block), text: clean(m[0]), context: snippet(context, 80) });
      }
    }
  }

  // When the page scrolls sideways, the innermost elements that reach past the viewport's right
  // edge, so the message says what to fix. Content inside a scrolling box does not count.
  const viewport = document.documentElement.clientWidth;
  const tooWide = [];
  if (document.documentElement.scrollWidth > viewport) {
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible") return true;
      }
      return false;
    };
    const past = [...document.body.querySelectorAll("*")].filter((el) =>
      el.getBoundingClientRect().right > viewport + TOLERANCE && rendered(el) && !clipped(el));
    for (const el of past) {
      if (past.some((other) => other !== el && el.contains(other))) continue;
      tooWide.push(`${where(el)} ("${snippet(el.textContent, 40)}") reaches ${Math.round(el.getBoundingClientRect().right)} px`);
      if (tooWide.length === 3) break;
    }
  }

  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: viewport,
    tooWide, cells, scrollers, chartText, unitBreaks,
  };
}
