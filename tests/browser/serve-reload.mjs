// End-to-end live reload in headless Chromium, driven by tests/serve_browser.rs.
//
//   node tests/browser/serve-reload.mjs URL FILE
//
// URL is a declaration page served by `disclose serve`; FILE is that declaration on disk.
// The script never navigates after the first load: every change it sees comes from the live
// reload script. It checks, in order:
//   1. an edit to FILE reloads the page with the new 项目名称 in <h1>;
//   2. a broken FILE shows the error overlay in place (no reload) naming FILE;
//   3. fixing FILE removes the overlay and shows the fixed text.
import { readFileSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [url, file] = process.argv.slice(2);
if (!url || !file) {
  console.error("usage: node serve-reload.mjs URL FILE");
  process.exit(2);
}

const WAIT = { timeout: 20000 };
const original = readFileSync(file, "utf8");
const nameLine = /^name = "(.*)"$/m;
if (!nameLine.test(original)) {
  console.error(`${file}: no name = "…" line to edit`);
  process.exit(2);
}
const withName = (name) => original.replace(nameLine, `name = "${name}"`);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let failed = false;
try {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  let loads = 0;
  page.on("load", () => (loads += 1));

  // The event stream is asked for by the injected script; even an edit that lands before it
  // connects is not lost (the script sends its page's build token), but wait for it anyway.
  const streamOpened = page.waitForRequest((request) => request.url().includes("/__disclose/events"), WAIT);
  await page.goto(url, { waitUntil: "load" });
  await streamOpened;
  const before = (await page.textContent("h1")).trim();
  console.log(`loaded: h1 = ${before}`);
  if (!(await page.textContent("body")).includes("预览")) throw new Error("no 预览 marker");

  // 1. An edit reloads the page by itself.
  const edited = `${before} 已更新`;
  writeFileSync(file, withName(edited));
  await page.waitForFunction((text) => document.querySelector("h1")?.textContent.includes(text), edited, WAIT);
  console.log(`ok: reloaded without navigating (h1 = ${edited}, loads = ${loads})`);
  if (loads < 2) throw new Error("the new text arrived without a reload?");

  // 2. A broken edit shows the overlay in place; the page is not reloaded.
  await page.waitForFunction(() => document.readyState === "complete");
  await page.evaluate(() => { window.__stillHere = true; });
  const loadsBefore = loads;
  writeFileSync(file, withName(edited).replace("[funding]", "[funding"));
  await page.waitForSelector("#disclose-overlay:not([hidden])", WAIT);
  const overlay = await page.textContent("#disclose-overlay");
  const shortName = file.split("/").slice(-3).join("/");
  if (!overlay.includes(shortName)) throw new Error(`overlay does not name ${shortName}: ${overlay}`);
  if (!(await page.evaluate(() => window.__stillHere === true)) || loads !== loadsBefore) {
    throw new Error("the error overlay reloaded the page");
  }
  console.log(`ok: error overlay shown in place: ${overlay.slice(0, 160)}`);

  // 3. The fix removes the overlay.
  const fixed = `${before} 已修正`;
  writeFileSync(file, withName(fixed));
  await page.waitForFunction((text) => document.querySelector("h1")?.textContent.includes(text), fixed, WAIT);
  await page.waitForSelector("#disclose-overlay", { state: "hidden", ...WAIT });
  console.log("ok: the fix reloaded the page and removed the overlay");
  if (problems.length) throw new Error(problems.join("\n"));
} catch (err) {
  failed = true;
  console.error(`FAILED: ${err.stack || err}`);
} finally {
  writeFileSync(file, original);
  await browser.close();
}
process.exit(failed ? 1 : 0);
