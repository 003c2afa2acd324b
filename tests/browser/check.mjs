// Opens every page of a built site in Debian's headless Chromium the way an official opens an
// email attachment: from file://, with the network blocked. Prints one JSON report on stdout;
// tests/browser.rs asserts on it.
//
// usage: node check.mjs SITE_DIR PDF_OUT
import { chromium } from "playwright-core";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const axePath = join(fileURLToPath(new URL(".", import.meta.url)), "node_modules/axe-core/axe.min.js");

const [site, pdfOut] = process.argv.slice(2);

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return pages(p);
    return name.endsWith(".html") ? [p] : [];
  }).sort();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { pages: [], pdf: null };
const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
await context.route("**/*", (route) => {
  const url = route.request().url();
  return url.startsWith("file:") ? route.continue() : route.abort();
});
for (const file of pages(site)) {
  const page = await context.newPage();
  const result = { page: relative(site, file), failed: [], console: [], external: [] };
  page.on("requestfailed", (r) => result.failed.push(r.url()));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) result.external.push(r.url()); });
  page.on("console", (m) => { if (m.type() === "error") result.console.push(m.text()); });
  page.on("pageerror", (e) => result.console.push(String(e)));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  result.scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  result.clientWidth = await page.evaluate(() => document.documentElement.clientWidth);
  result.scripts = await page.evaluate(() => document.scripts.length);
  if (file.endsWith(".html")) {
    // WCAG 2.1 A/AA and best practices, as the default rule set of axe-core.
    await page.addScriptTag({ path: axePath });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document);
      return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target}`);
    });
    result.axe = axe;
    // Headings must not skip levels.
    result.headingJumps = await page.evaluate(() => {
      const levels = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map((h) => +h.tagName[1]);
      return levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1).length;
    });
  }
  report.pages.push(result);
  if (result.page === "indicators.html") {
    // Typing without diacritics still finds "Tăng trưởng".
    await page.fill("#finder-input", "tang truong");
    report.finder = await page.evaluate(() => ({
      total: document.querySelectorAll("#indicator-list tbody tr").length,
      shown: document.querySelectorAll("#indicator-list tbody tr:not([hidden])").length,
    }));
  }
  if (result.page === "report.html" && pdfOut) {
    await page.emulateMedia({ media: "print" });
    writeFileSync(pdfOut, await page.pdf({ preferCSSPageSize: true }));
    report.pdf = pdfOut;
  }
  await page.close();
}
await browser.close();
process.stdout.write(JSON.stringify(report));
