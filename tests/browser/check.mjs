// Opens every page of built sites in Debian's headless Chromium the way an official opens an
// email attachment: from file://, with the network blocked. Each page is checked at 390 px (a
// phone) and at 1280 px (a monitor); the first site's report.html is printed to a PDF. Prints
// one JSON report on stdout; tests/browser.rs asserts on it and reads the PDF.
//
// usage: node check.mjs --pdf PDF_OUT --shots DIR SITE_DIR [SITE_DIR...]
//   --pdf    print the first site's report.html to this file (A4, print media)
//   --shots  save full-page screenshots of the first site's largest sector page there
import { chromium } from "playwright-core";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { availableParallelism } from "node:os";
import { pathToFileURL, fileURLToPath } from "node:url";
import { layout } from "./layout.mjs";

const axePath = join(fileURLToPath(new URL(".", import.meta.url)), "node_modules/axe-core/axe.min.js");
const WIDTHS = [390, 1280];
const HEIGHTS = { 390: 844, 1280: 800 };

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? null : args.splice(i, 2)[1];
};
const pdfOut = option("--pdf");
const shots = option("--shots");
const sites = args;

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return pages(p);
    return name.endsWith(".html") ? [p] : [];
  }).sort();
}

/** The units a number may be followed by: every indicator's unit in the site's data, and "%". */
function units(dir) {
  const found = new Set(["%"]);
  const data = join(dir, "data");
  const files = existsSync(data) ? planFiles(data) : [];
  for (const file of files) {
    const plan = JSON.parse(readFileSync(file, "utf8"));
    for (const s of plan.sectors ?? []) {
      for (const i of s.indicators ?? []) {
        for (const u of [i.unit, i.unit_en]) if (u && u.trim()) found.add(u.trim());
      }
    }
  }
  return [...found];
}

function planFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return planFiles(p);
    return name === "plan.json" ? [p] : [];
  });
}

/** The largest sector page of a site, by file size: the one most likely to break a layout. */
function largestSector(dir) {
  const sectors = pages(dir).filter((p) => relative(dir, p).startsWith("sectors/"));
  return sectors.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** What the print test needs from report.html, read with print media: its parts (overview,
 * sectors, methodology) in order with their headings and the page number the table of contents
 * gives them (`.toc-page` in the entry), each table's caption and header row, and the @page
 * margins in pt. */
function printFacts() {
  const shown = (el) => el && el.getClientRects().length > 0;
  const words = (el) => (shown(el) ? el.innerText.split(/\s+/).filter(Boolean) : []);
  const parts = [...document.querySelectorAll("section.report-part")].filter(shown).map((part) => {
    const link = document.querySelector(`nav.toc a[href="#${CSS.escape(part.id)}"]`);
    const number = link?.closest("li")?.querySelector(".toc-page");
    return {
      id: part.id,
      sector: part.classList.contains("report-sector"),
      heading: words(document.getElementById(`${part.id}-h`) ?? part.querySelector("h2")),
      inToc: !!link,
      tocPage: number ? number.textContent.trim() : null,
    };
  });
  const tables = [...document.querySelectorAll("table")].filter(shown).map((t) => ({
    where: t.parentElement.closest("[id]")?.id ?? "",
    part: t.closest("section.report-part")?.id ?? "",
    caption: words(t.caption),
    header: words(t.tHead),
  })).filter((t) => t.caption.length || t.header.length);
  // The last plain @page rule that sets a margin wins, as in the cascade.
  const pt = { mm: 72 / 25.4, cm: 720 / 25.4, in: 72, pt: 1, px: 0.75 };
  const margins = { top: null, bottom: null };
  const visit = (rules) => {
    for (const r of rules) {
      if (r instanceof CSSPageRule && !r.selectorText) {
        for (const side of ["top", "bottom"]) {
          const m = /^([\d.]+)(mm|cm|in|pt|px)$/.exec(r.style.getPropertyValue(`margin-${side}`));
          if (m) margins[side] = parseFloat(m[1]) * pt[m[2]];
        }
      } else if (r.cssRules) visit(r.cssRules);
    }
  };
  for (const sheet of document.styleSheets) visit(sheet.cssRules);
  return { parts, tables, margins };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { sites: [], pdf: null, print: null, shots: [] };
const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: HEIGHTS[WIDTHS[0]] } });
await context.route("**/*", (route) => {
  const url = route.request().url();
  return url.startsWith("file:") ? route.continue() : route.abort();
});

async function checkPage(site, file, first, unitList, shotOf) {
  const page = await context.newPage();
  const result = { page: relative(site, file), failed: [], console: [], external: [], layout: {} };
  page.on("requestfailed", (r) => result.failed.push(r.url()));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) result.external.push(r.url()); });
  page.on("console", (m) => { if (m.type() === "error") result.console.push(m.text()); });
  page.on("pageerror", (e) => result.console.push(String(e)));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  result.scripts = await page.evaluate(() => document.scripts.length);
  // WCAG 2.1 A/AA and best practices, as the default rule set of axe-core.
  await page.addScriptTag({ path: axePath });
  result.axe = await page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target}`);
  });
  // Headings must not skip levels.
  result.headingJumps = await page.evaluate(() => {
    const levels = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => +h.tagName[1]);
    return levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1).length;
  });
  // Resizing lays the page out again as loading it at that width would: the theme's one script
  // (the indicator finder) does not read the width.
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHTS[width] });
    result.layout[width] = await page.evaluate(layout, unitList);
    if (file === shotOf) {
      const path = join(shots, `${result.page.replace(/\//g, "-").replace(/\.html$/, "")}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      report.shots.push(path);
    }
  }
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHTS[WIDTHS[0]] });
  if (first && result.page === "indicators.html") {
    // Typing without diacritics still finds "Tăng trưởng".
    await page.fill("#finder-input", "tang truong");
    report.finder = await page.evaluate(() => ({
      total: document.querySelectorAll("#indicator-list tbody tr").length,
      shown: document.querySelectorAll("#indicator-list tbody tr:not([hidden])").length,
    }));
  }
  if (first && result.page === "report.html" && pdfOut) {
    await page.emulateMedia({ media: "print" });
    // Printing runs the report's own pagination (on beforeprint), which writes the table of
    // contents' page numbers: read the page after it has been printed.
    writeFileSync(pdfOut, await page.pdf({ preferCSSPageSize: true }));
    report.print = await page.evaluate(printFacts);
    report.pdf = pdfOut;
  }
  await page.close();
  return result;
}

// Pages are independent, so a few are open at once: the run waits on Chromium, not on Node.
// BROWSER_PARALLEL=N overrides how many; TIMING=1 prints each page's time on stderr.
const PARALLEL = Number(process.env.BROWSER_PARALLEL) || Math.min(4, Math.max(2, availableParallelism()));
async function inParallel(items, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return results;
}

for (const [index, site] of sites.entries()) {
  const first = index === 0;
  const unitList = units(site);
  const shotOf = first && shots ? largestSector(site) : null;
  const checked = await inParallel(pages(site), async (file) => {
    const t0 = Date.now();
    const result = await checkPage(site, file, first, unitList, shotOf);
    if (process.env.TIMING) process.stderr.write(`${Date.now() - t0} ms ${file}\n`);
    return result;
  });
  report.sites.push({ site, units: unitList, pages: checked });
}
await browser.close();
process.stdout.write(JSON.stringify(report));
