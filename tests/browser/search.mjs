// Types queries into the search box of a built disclose site in headless Chromium and prints
// what the box showed, as JSON on stdout:
//
//   node tests/browser/search.mjs SITE_DIR [--no-follow] [--ime|--compose] QUERY[@YEAR] ...
//   → {"label": "搜索项目", "queries": {"科普": {titles, hrefs, marks, status, fetched, asked, ms}, …},
//      "keyboard": {…}, "axe": [...], "errors": [...]}
//
// Each query is typed into a fresh page (the home page), as a reader would, after choosing YEAR in
// the year filter when the query is written `QUERY@YEAR`: key by key (20 ms apart), or with --ime
// as one commit of the whole text, the way an input method enters Chinese (one input event, so
// no intermediate query runs however slow the machine is), or with --compose as an input method
// really does it: Latin letters composed one by one (as pinyin), then the text committed. For each
// query the report gives the result titles in the order shown, their links, the highlighted
// texts, the live region's text, the index files fetched under search/ (catalog included), the
// queries the box answered on the way (`asked`) and `ms`, the time from the last
// keystroke's input event to the results being in the page. After the first query with results
// it checks the keyboard (ArrowDown from the box reaches the results, ArrowUp comes back) and
// runs axe-core (WCAG 2.1 A/AA) on the page with the results open. Every result link is opened
// and must answer 200, unless --no-follow.
//
// The site is served from SITE_DIR on 127.0.0.1 by static-server.mjs, in a process of its own so
// that the times are the site's and not this driver's. No other host resolves, and a request
// that leaves the site is an error, so this also shows that search works offline. Exit 0 with the
// JSON; 1 when the page logs errors or something failed; 2 on a usage error.
// Needs playwright-core and axe-core in tests/browser/node_modules and Debian's
// /usr/bin/chromium (or CHROMIUM).

import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE_SOURCE = require('axe-core').source;

// Type `query` (after choosing `year`) into the box of the home page at `origin` and wait until
// the box shows its answer.
export async function search(page, origin, query, year, entry = 'keys') {
  await page.goto(`${origin}/`);
  await page.waitForSelector('#site-search', { state: 'visible', timeout: 10000 });
  if (year) await page.selectOption('#site-search-year', String(year));
  const fetched = [];
  const onRequest = (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/search/')) fetched.push(path);
  };
  page.on('request', onRequest);
  await page.evaluate((q) => {
    const input = document.querySelector('#site-search');
    const output = document.querySelector('.search-results');
    const status = document.querySelector('#site-search-status');
    window.__search = { lastInput: 0, shown: 0, asked: [] };
    input.addEventListener('input', () => { window.__search.lastInput = performance.now(); }, true);
    const observer = new MutationObserver(() => {
      const asked = window.__search.asked;
      const answering = output.getAttribute('data-query');
      if (answering !== null && asked[asked.length - 1] !== answering) asked.push(answering);
      if (!window.__search.shown && output.getAttribute('data-query') === q && status.textContent) {
        window.__search.shown = performance.now();
      }
    });
    observer.observe(document.querySelector('form.search'), {
      subtree: true, childList: true, attributes: true, characterData: true,
    });
  }, query);
  if (entry === 'compose') {
    // Latin letters composed key by key, as pinyin is, then the Chinese text committed.
    await page.focus('#site-search');
    const cdp = await page.context().newCDPSession(page);
    const letters = 'pinyin';
    for (let i = 1; i <= letters.length; i++) {
      await cdp.send('Input.imeSetComposition', { text: letters.slice(0, i), selectionStart: i, selectionEnd: i });
      await page.waitForTimeout(60);
    }
    await cdp.send('Input.insertText', { text: query });
    await cdp.detach();
  } else if (entry === 'ime') {
    await page.focus('#site-search');
    await page.keyboard.insertText(query);
  } else {
    await page.type('#site-search', query, { delay: 20 });
  }
  await page.waitForFunction(() => window.__search.shown > 0, null, { timeout: 15000 });
  // Let any late request show up before counting.
  await page.waitForTimeout(50);
  page.off('request', onRequest);
  return page.evaluate((files) => {
    const output = document.querySelector('.search-results');
    return {
      titles: [...output.querySelectorAll('li > a')].map((a) => a.textContent),
      hrefs: [...output.querySelectorAll('li > a')].map((a) => a.getAttribute('href')),
      marks: [...output.querySelectorAll('mark')].map((m) => m.textContent),
      nameMarks: [...output.querySelectorAll('li > a')].map((a) => a.querySelectorAll('mark').length),
      status: document.querySelector('#site-search-status').textContent,
      more: !!output.querySelector('.search-more'),
      fetched: files,
      asked: window.__search.asked,
      ms: Math.round(window.__search.shown - window.__search.lastInput),
    };
  }, fetched);
}

// ArrowDown from the box reaches the first result, then the second; ArrowUp goes back up to
// the box. What had focus after each key.
export async function keyboard(page) {
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return el.id === 'site-search' ? 'input' : el.closest('.search-results li') ? `result:${el.textContent}` : el.tagName;
  });
  await page.focus('#site-search');
  const steps = {};
  await page.keyboard.press('ArrowDown');
  steps.down1 = await focused();
  await page.keyboard.press('ArrowDown');
  steps.down2 = await focused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  steps.up2 = await focused();
  return steps;
}

export async function axe(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function main() {
  const args = process.argv.slice(2);
  const follow = !args.includes('--no-follow');
  const entry = args.includes('--compose') ? 'compose' : args.includes('--ime') ? 'ime' : 'keys';
  const [siteArg, ...queries] = args.filter((a) => !['--no-follow', '--ime', '--compose'].includes(a));
  if (!siteArg || !queries.length) {
    console.error('usage: node search.mjs SITE_DIR [--no-follow] [--ime|--compose] QUERY[@YEAR] ...');
    process.exit(2);
  }
  const server = await startStaticServer(resolve(siteArg));
  const origin = server.origin;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Offline: no host but the site's resolves. (Routing every request through Playwright
      // instead would add the driver's latency to every index file the search fetches.)
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const report = { queries: {}, keyboard: null, axe: null, errors: [] };
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => report.errors.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') report.errors.push(`console: ${msg.text()}`);
    });
    page.on('requestfailed', (request) => {
      if (!request.url().startsWith(origin)) report.errors.push(`left the site: ${request.url()}`);
    });
    for (const spec of queries) {
      const at = spec.lastIndexOf('@');
      const [query, year] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, null];
      const found = await search(page, origin, query, year, entry);
      report.label ??= await page.$eval('label[for="site-search"]', (l) => l.textContent.trim());
      report.queries[spec] = found;
      if (!report.keyboard && found.titles.length > 1) {
        report.keyboard = await keyboard(page);
        report.axe = await axe(page);
      }
      if (follow) {
        for (const href of found.hrefs) {
          const target = new URL(href, page.url()).href;
          const response = await page.request.get(target);
          if (response.status() !== 200) report.errors.push(`${spec}: ${href} answers ${response.status()}`);
        }
      }
    }
  } catch (err) {
    report.errors.push(String(err && err.stack ? err.stack : err));
  } finally {
    await browser.close();
    server.close();
  }
  console.log(JSON.stringify(report));
  process.exit(report.errors.length ? 1 : 0);
}

// Run as a script; importing the module (check-site.mjs does) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
