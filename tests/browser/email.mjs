// The email digest as mail clients see it. Two checks, printed as JSON for tests/email.rs:
//   lint:  doiuse-email (caniemail's data) for Outlook on Windows, Gmail and Apple Mail;
//   render: Chromium shows the digest with every <style> and class removed (as Gmail does) at
//           600 and at 390 px: nothing may be wider than the window, and every piece of text
//           must have a box inside it.
// Usage: node email.mjs DIGEST.html [SHOTS_DIR]
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { doIUseEmail } from "doiuse-email";

const [file, shots] = process.argv.slice(2);
const html = readFileSync(file, "utf8");
const clients = ["outlook.windows", "gmail.*", "apple-mail.*"];
const lint = doIUseEmail(html, { emailClients: clients });

// What Gmail keeps: no <style>, no class attributes.
const stripped = html.replace(/<style[\s\S]*?<\/style>/gi, "").replace(/\sclass="[^"]*"/gi, "");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const render = [];
for (const width of [600, 390]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.setContent(stripped, { waitUntil: "load" });
  const found = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const scroll = document.documentElement.scrollWidth;
    if (scroll > width + 1) problems.push(`the page is ${scroll} px wide`);
    let texts = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.replace(/\s+/g, " ").trim();
      if (!text) continue;
      texts++;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      const el = n.parentElement;
      const cs = getComputedStyle(el);
      if (r.width < 1 || r.height < 1 || cs.visibility === "hidden") {
        problems.push(`invisible text: ${text.slice(0, 40)}`);
      } else if (r.right > width + 1 || r.left < -1) {
        problems.push(`text outside the window (${Math.round(r.left)}–${Math.round(r.right)} px): ${text.slice(0, 40)}`);
      } else if (cs.color === cs.backgroundColor) {
        problems.push(`text in its background's colour: ${text.slice(0, 40)}`);
      }
    }
    return { scroll, texts, problems };
  });
  if (shots) await page.screenshot({ path: join(shots, `digest-stripped-${width}.png`), fullPage: true });
  render.push({ width, ...found });
  await page.close();
}
await browser.close();
console.log(JSON.stringify({ lint: { success: lint.success, errors: lint.errors }, render }));
