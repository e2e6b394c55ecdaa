#!/usr/bin/env node
// Real-browser checks of a built disclose site.
//
//   node tests/browser/check-site.mjs SITE_DIR [--out REPORT_DIR] [--search]
//        [--chromium PATH] [--form-selector CSS] [--declaration URL]
//
// Serves SITE_DIR on 127.0.0.1 (a free port), opens every index.html page (and the 404 page) in
// headless Chromium at 1280×900 and 390×844, and checks: axe-core (WCAG 2.0/2.1 A and AA), console
// errors, page errors, failed requests, no sideways scrolling at 390 px; screenshots the home, year
// and one declaration page; prints that declaration to an A4 PDF and checks its print layout (form
// table present and visible, not cut off; navigation and search hidden); runs the W3C Nu checker
// over every .html file. Writes REPORT_DIR/report.json (default tests/browser/report/) and exits 0 only
// when nothing was found; 1 with every problem listed; 2 on a usage error.
//
// Environment: CHROMIUM (default /usr/bin/chromium), JAVA (default `java` on PATH).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './static-server.mjs';

// Resolve dependencies from this script's folder, whatever the working directory.
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE_SOURCE = require('axe-core').source;
const VNU_JAR = String(require('vnu-jar'));

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const VIEWPORTS = [
  { name: '1280', viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
  {
    name: '390',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
];
// A4 at 96 CSS px per inch: 210 mm × 297 mm.
const A4_VIEWPORT = { width: 794, height: 1123 };
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
// Elements that must not show on paper.
const PRINT_HIDDEN_SELECTORS = [
  'nav',
  '[role="navigation"]',
  'search',
  '[role="search"]',
  'input[type="search"]',
  '#search',
];
const MISSING_URL = '/__disclose-check-missing__/';
const OVERALL_TIMEOUT_MS = 20 * 60 * 1000;
const NAV_TIMEOUT_MS = 30_000;

// ----------------------------------------------------------------------------------------------
// command line

function usage(message) {
  if (message) console.error(`check-site: ${message}`);
  console.error(
    'usage: node check-site.mjs SITE_DIR [--out REPORT_DIR] [--search] [--chromium PATH]\n' +
      '                           [--form-selector CSS] [--declaration URL]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    site: null,
    out: fileURLToPath(new URL('./report/', import.meta.url)),
    search: false,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    formSelector: 'main table',
    declaration: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') opts.out = value();
    else if (a === '--search') opts.search = true;
    else if (a === '--chromium') opts.chromium = value();
    else if (a === '--form-selector') opts.formSelector = value();
    else if (a === '--declaration') opts.declaration = value();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site === null) opts.site = a;
    else usage(`unexpected argument ${a}`);
  }
  if (opts.site === null) usage('SITE_DIR is required');
  opts.site = path.resolve(opts.site);
  opts.out = path.resolve(opts.out);
  if (!fs.existsSync(opts.site) || !fs.statSync(opts.site).isDirectory()) {
    usage(`${opts.site} is not a directory`);
  }
  return opts;
}

// ----------------------------------------------------------------------------------------------
// the site's pages and files

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

// A year's own pages (SPEC §4 reserves these slugs), not declarations.
const YEAR_PAGES = new Set(['assets', 'departments', 'quality', 'search']);

function classify(relDir) {
  if (relDir === '') return 'home';
  if (/^\d{4}$/.test(relDir)) return 'year';
  if (/^\d{4}\/[a-z0-9-]+$/.test(relDir) && !YEAR_PAGES.has(relDir.split('/')[1])) return 'declaration';
  return 'other';
}

const KIND_ORDER = { home: 0, year: 1, declaration: 2, other: 3, 404: 4 };

function findPages(site, files) {
  const pages = files
    .filter((f) => path.basename(f) === 'index.html')
    .map((f) => {
      const relDir = path.relative(site, path.dirname(f)).split(path.sep).join('/');
      return {
        url: relDir === '' ? '/' : `/${relDir}/`,
        file: path.relative(site, f).split(path.sep).join('/'),
        kind: classify(relDir),
        expectStatus: 200,
        size: fs.statSync(f).size,
      };
    });
  if (fs.existsSync(path.join(site, '404.html'))) {
    pages.push({ url: MISSING_URL, file: '404.html', kind: '404', expectStatus: 404, size: 0 });
  }
  pages.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.url.localeCompare(b.url));
  return pages;
}

function slugOf(url) {
  const s = url.replace(/^\/|\/$/g, '').replace(/[^A-Za-z0-9_-]+/g, '-');
  return s === '' ? 'home' : s;
}

// ----------------------------------------------------------------------------------------------
// W3C Nu checker (runs in the background while the browser works)

function runVnu(site, htmlFiles) {
  if (htmlFiles.length === 0) return Promise.resolve({ files: 0, messages: [], problems: [] });
  const java = process.env.JAVA || 'java';
  const args = ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', '--stdout'];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(java, [...args, ...htmlFiles], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) =>
      resolve({
        files: htmlFiles.length,
        messages: [],
        problems: [`vnu: cannot run ${java} (${err.message}); install Java 17 (default-jre-headless)`],
      }),
    );
    child.on('close', (code) => {
      let parsed;
      try {
        parsed = JSON.parse(stdout || stderr);
      } catch {
        return resolve({
          files: htmlFiles.length,
          messages: [],
          problems: [`vnu: exited ${code} without JSON output: ${(stderr || stdout).trim().slice(0, 2000)}`],
        });
      }
      const messages = (parsed.messages || [])
        .filter((m) => m.type !== 'info')
        .map((m) => {
          let file = m.url || '';
          if (file.startsWith('file:')) {
            file = path.relative(site, decodeURIComponent(new URL(file).pathname)).split(path.sep).join('/');
          }
          return {
            file,
            line: m.lastLine ?? m.firstLine ?? null,
            column: m.firstColumn ?? m.lastColumn ?? null,
            type: m.type,
            subType: m.subType,
            message: m.message,
            extract: m.extract,
          };
        });
      const problems = messages.map(
        (m) => `vnu ${m.file}${m.line ? `:${m.line}` : ''}${m.column ? `:${m.column}` : ''}: ${m.type}: ${m.message}`,
      );
      if (code !== 0 && messages.length === 0) problems.push(`vnu: exited ${code}: ${stderr.trim().slice(0, 2000)}`);
      resolve({ files: htmlFiles.length, messages, problems });
    });
  });
}

// ----------------------------------------------------------------------------------------------
// browser checks

async function newContext(browser, baseUrl, vp, extra = {}) {
  const context = await browser.newContext({
    viewport: vp.viewport,
    deviceScaleFactor: vp.deviceScaleFactor,
    isMobile: vp.isMobile ?? false,
    hasTouch: vp.hasTouch ?? false,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
    ...extra,
  });
  context.setDefaultTimeout(NAV_TIMEOUT_MS);
  // The site must be self-contained: anything off the local server is blocked and reported.
  const origin = new URL(baseUrl).origin;
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    return route.abort('blockedbyclient');
  });
  return context;
}

// Opens url in a new page of context, recording console errors, page errors and failed requests.
async function openPage(context, baseUrl, pageInfo) {
  const page = await context.newPage();
  const pageUrl = new URL(pageInfo.url, baseUrl).href;
  const log = { consoleErrors: [], pageErrors: [], failedRequests: [], status: null };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    // The 404 page is *meant* to answer 404: Chromium logs that for the document itself.
    if (pageInfo.expectStatus === 404 && loc.url === pageUrl && /\b404\b/.test(msg.text())) return;
    log.consoleErrors.push({ text: msg.text(), url: loc.url, line: loc.lineNumber });
  });
  page.on('pageerror', (err) => log.pageErrors.push({ text: String(err.stack || err.message || err) }));
  const origin = new URL(baseUrl).origin;
  page.on('requestfailed', (req) => {
    const external = !req.url().startsWith(origin + '/') && !/^(data|blob):/.test(req.url());
    const failure = external
      ? 'external request, blocked: the site must be self-contained'
      : (req.failure()?.errorText ?? 'failed');
    log.failedRequests.push({ url: req.url(), failure });
  });
  page.on('response', (resp) => {
    if (resp.status() < 400) return;
    if (resp.url() === pageUrl && resp.status() === pageInfo.expectStatus) return;
    log.failedRequests.push({ url: resp.url(), failure: `HTTP ${resp.status()}` });
  });
  try {
    const resp = await page.goto(pageUrl, { waitUntil: 'load', timeout: NAV_TIMEOUT_MS });
    log.status = resp ? resp.status() : null;
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  } catch (err) {
    log.navigationError = err.message.split('\n')[0];
  }
  return { page, log };
}

async function runAxe(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String),
        html: n.html.slice(0, 300),
        summary: n.failureSummary,
      })),
    }));
  }, AXE_TAGS);
}

// Page width against the device width. With mobile emulation Chromium, like a phone, widens the
// layout viewport (innerWidth) to fit content that sticks out, or to 980 px without a viewport
// <meta>; so the page fits only when scrollWidth <= innerWidth and innerWidth is the device's
// width. On overflow, lists the innermost elements that stick out.
async function measureScroll(page, deviceWidth) {
  return page.evaluate((deviceWidth) => {
    const iw = window.innerWidth;
    const sw = document.documentElement.scrollWidth;
    const meta = document.querySelector('meta[name="viewport"]');
    const result = {
      scrollWidth: sw,
      innerWidth: iw,
      deviceWidth,
      viewportMeta: meta ? meta.getAttribute('content') : null,
      overflow: sw > iw || iw > deviceWidth,
      offenders: [],
      fixedCutOff: [],
    };
    const limit = Math.min(iw, deviceWidth);
    const describe = (el) => {
      let s = el.localName;
      if (el.id) s += `#${el.id}`;
      for (const c of el.classList) s += `.${c}`;
      return s;
    };
    // Fixed-position boxes never widen the page: whatever of them sticks out of the screen
    // cannot be scrolled to at all. (Boxes wholly off screen, like closed drawers, are fine.)
    for (const el of document.body.querySelectorAll('*')) {
      if (getComputedStyle(el).position !== 'fixed' || !el.checkVisibility({ visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= limit) continue;
      if (r.right > limit + 0.5 || r.left < -0.5) {
        result.fixedCutOff.push({ element: describe(el), left: Math.round(r.left), right: Math.round(r.right) });
      }
    }
    if (!result.overflow) return result;
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    const sticking = new Set();
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > limit + 0.5 || r.left < -0.5) && !clipped(el)) sticking.add(el);
    }
    for (const el of sticking) {
      if ([...el.children].some((c) => sticking.has(c))) continue;
      const r = el.getBoundingClientRect();
      const path = [];
      for (let a = el; a && a !== document.body && path.length < 4; a = a.parentElement) path.unshift(describe(a));
      result.offenders.push({ element: path.join(' > '), left: Math.round(r.left), right: Math.round(r.right) });
      if (result.offenders.length >= 5) break;
    }
    return result;
  }, deviceWidth);
}

async function checkPageAtViewport(context, baseUrl, pageInfo, vp, reportDir, screenshot) {
  const { page, log } = await openPage(context, baseUrl, pageInfo);
  const result = { ...log, icon: null, axe: [], scroll: null, screenshot: null };
  try {
    if (!log.navigationError) {
      result.icon = await page.evaluate(() => {
        const link = document.querySelector('link[rel~="icon"]');
        return link ? link.href : null;
      });
      // Collapsed sections (<details>) are content too: open them so axe and the width check
      // see what a reader sees after a click.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      result.axe = await runAxe(page);
      result.scroll = await measureScroll(page, vp.viewport.width);
      if (screenshot) {
        const file = `${slugOf(pageInfo.url === MISSING_URL ? '/404/' : pageInfo.url)}-${vp.name}.png`;
        await page.screenshot({ path: path.join(reportDir, file), fullPage: true });
        result.screenshot = file;
      }
    }
  } catch (err) {
    result.checkError = err.message.split('\n')[0];
  } finally {
    await page.close();
  }
  return result;
}

function viewportProblems(pageInfo, vp, r) {
  const at = `${pageInfo.url} @${vp.name}`;
  const out = [];
  if (r.navigationError) out.push(`${at}: cannot load: ${r.navigationError}`);
  else if (r.status !== pageInfo.expectStatus) out.push(`${at}: HTTP ${r.status}, expected ${pageInfo.expectStatus}`);
  if (r.checkError) out.push(`${at}: check failed: ${r.checkError}`);
  for (const v of r.axe) {
    const targets = v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ');
    const more = v.nodes.length > 5 ? ` (+${v.nodes.length - 5} more)` : '';
    out.push(`${at}: axe ${v.id} (${v.impact}): ${v.help} — ${targets}${more}`);
  }
  const failedUrls = new Set(r.failedRequests.map((f) => f.url));
  for (const c of r.consoleErrors) {
    // Chromium logs "Failed to load resource" for each failed request: listed just below.
    if (/^Failed to load resource/.test(c.text) && failedUrls.has(c.url)) continue;
    out.push(`${at}: console error: ${c.text}${c.url ? ` (${c.url}:${c.line})` : ''}`);
  }
  for (const e of r.pageErrors) out.push(`${at}: page error: ${e.text.split('\n')[0]}`);
  for (const f of r.failedRequests) out.push(`${at}: request failed: ${f.url} (${f.failure})`);
  if (r.scroll && r.scroll.overflow && vp.name === '390') {
    const sc = r.scroll;
    const who = sc.offenders.map((o) => `${o.element} [${o.left}..${o.right}px]`).join('; ');
    const meta = /width\s*=\s*device-width/.test(sc.viewportMeta || '')
      ? ''
      : ` (no <meta name="viewport" content="width=device-width, initial-scale=1">)`;
    out.push(
      `${at}: sideways scroll: the page is ${Math.max(sc.scrollWidth, sc.innerWidth)}px wide on a ` +
        `${sc.deviceWidth}px screen${meta}` +
        (who ? ` — sticking out: ${who}` : ''),
    );
  }
  if (r.scroll && vp.name === '390') {
    for (const f of r.scroll.fixedCutOff) {
      out.push(`${at}: fixed-position ${f.element} spans ${f.left}..${f.right}px, cut off on a ${r.scroll.deviceWidth}px screen`);
    }
  }
  return out;
}

// Chromium fetches a page's icon (its <link rel="icon">, else /favicon.ico) outside the page's
// own requests, so a missing one does not show up above; a real browser logs the 404.
async function checkFavicons(baseUrl, pageEntries) {
  const users = new Map(); // icon URL -> pages
  for (const p of pageEntries) {
    const r = p.viewports[VIEWPORTS[0].name];
    if (!r || r.navigationError) continue;
    const icon = r.icon ?? new URL('/favicon.ico', baseUrl).href;
    if (icon.startsWith('data:')) continue;
    if (!users.has(icon)) users.set(icon, []);
    users.get(icon).push(p.url);
  }
  const problems = [];
  for (const [icon, urls] of users) {
    const shown = icon.startsWith(baseUrl) ? icon.slice(baseUrl.length) : icon;
    const pagesText = `${urls.slice(0, 3).join(', ')}${urls.length > 3 ? ` and ${urls.length - 3} more` : ''}`;
    if (!icon.startsWith(baseUrl + '/')) {
      problems.push(`favicon ${shown} (used by ${pagesText}) is not on the site`);
      continue;
    }
    const resp = await fetch(icon).catch((err) => ({ ok: false, status: err.message }));
    if (!resp.ok) problems.push(`favicon ${shown} (used by ${pagesText}): HTTP ${resp.status}`);
  }
  return problems;
}

// ----------------------------------------------------------------------------------------------
// print

function countPdfPages(buf) {
  const text = buf.toString('latin1');
  const pageObjects = (text.match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length;
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)]
    .map((m) => Number(m[1] ?? m[2]));
  const pagesCount = counts.length ? Math.max(...counts) : null;
  return { pages: pageObjects || pagesCount || 0, pageObjects, pagesCount };
}

async function checkPrint(browser, baseUrl, pageInfo, reportDir, formSelector) {
  const context = await newContext(browser, baseUrl, { viewport: A4_VIEWPORT, deviceScaleFactor: 1 });
  const { page, log } = await openPage(context, baseUrl, pageInfo);
  const result = { url: pageInfo.url, file: null, screenshot: null, formSelector, ...log };
  const problems = [];
  const at = `${pageInfo.url} @print`;
  try {
    if (log.navigationError) throw new Error(log.navigationError);
    await page.emulateMedia({ media: 'print' });
    Object.assign(
      result,
      await page.evaluate(
        ({ formSelector, hiddenSelectors }) => {
          const shown = (el) => {
            if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
            const r = el.getBoundingClientRect();
            return r.width > 1 && r.height > 1; // a 1×1 clipped "visually hidden" box is not shown
          };
          const describe = (el) => {
            let s = el.localName;
            if (el.id) s += `#${el.id}`;
            for (const c of el.classList) s += `.${c}`;
            const label = el.getAttribute('aria-label');
            if (label) s += `[aria-label="${label}"]`;
            return s;
          };
          const pageWidth = document.documentElement.clientWidth;
          const tables = [...document.querySelectorAll(formSelector)].map((t) => {
            const r = t.getBoundingClientRect();
            let cutOff = r.right > pageWidth + 1 || r.left < -1;
            for (let a = t.parentElement; a && a !== document.documentElement; a = a.parentElement) {
              const ox = getComputedStyle(a).overflowX;
              if (ox !== 'visible' && a.scrollWidth > a.clientWidth + 1) cutOff = true;
            }
            return {
              element: describe(t),
              visible: shown(t),
              rows: t.rows ? t.rows.length : t.querySelectorAll('tr').length,
              width: Math.round(r.width),
              cutOff,
            };
          });
          const visibleChrome = [];
          for (const sel of hiddenSelectors) {
            for (const el of document.querySelectorAll(sel)) {
              if (shown(el)) visibleChrome.push(`${describe(el)} (matches ${sel})`);
            }
          }
          const h1 = document.querySelector('h1');
          return {
            pageWidth,
            scrollWidth: document.documentElement.scrollWidth,
            tables,
            hasTable: tables.some((t) => t.visible && t.rows > 0),
            h1: h1 ? { text: h1.textContent.trim(), visible: shown(h1) } : null,
            visibleChrome: [...new Set(visibleChrome)],
          };
        },
        { formSelector, hiddenSelectors: PRINT_HIDDEN_SELECTORS },
      ),
    );
    if (result.tables.length === 0) problems.push(`${at}: no form table (${formSelector}) on the page`);
    else if (!result.hasTable) problems.push(`${at}: the form table (${formSelector}) is not visible in print`);
    for (const t of result.tables) {
      if (t.visible && t.cutOff) {
        problems.push(`${at}: the form table (${t.element}, ${t.width}px) is wider than the A4 page and gets cut off`);
      }
    }
    if (!result.h1) problems.push(`${at}: no <h1> (项目名称) on the page`);
    else if (!result.h1.visible) problems.push(`${at}: the <h1> (项目名称) is hidden in print`);
    for (const el of result.visibleChrome) problems.push(`${at}: visible in print, should be hidden: ${el}`);

    const shot = `print-${slugOf(pageInfo.url)}.png`;
    await page.screenshot({ path: path.join(reportDir, shot), fullPage: true });
    result.screenshot = shot;
    const pdfFile = `print-${slugOf(pageInfo.url)}.pdf`;
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(reportDir, pdfFile), pdf);
    result.file = pdfFile;
    result.bytes = pdf.length;
    Object.assign(result, countPdfPages(pdf));
    if (result.pages < 1) problems.push(`${at}: the PDF has no pages`);
  } catch (err) {
    result.error = err.message.split('\n')[0];
    problems.push(`${at}: print check failed: ${result.error}`);
  } finally {
    await context.close();
  }
  for (const c of log.consoleErrors) problems.push(`${at}: console error: ${c.text}`);
  for (const e of log.pageErrors) problems.push(`${at}: page error: ${e.text.split('\n')[0]}`);
  return { result, problems };
}

// ----------------------------------------------------------------------------------------------
// search (hook)

/**
 * Search-box checks, run with --search once the page checks are done: at each width, open the
 * home page, type the first two characters of the largest declaration's title, and check that
 * the results link to that declaration, that the query fetched at most six index files, that
 * nothing scrolls sideways with the results open, and that axe finds nothing on the page with
 * the results open. The search itself is driven by search.mjs (also used on its own by
 * tests/search_browser.rs). Details go into `report.search`; each problem fails the run.
 *
 * @param {{browser: import('playwright-core').Browser, baseUrl: string, pages: object[],
 *          report: object, reportDir: string}} ctx
 * @returns {Promise<string[]>}
 */
async function runSearchChecks({ browser, baseUrl, pages, report }) {
  const { search } = await import('./search.mjs');
  const problems = [];
  report.search = { implemented: true, viewports: {} };
  const target = pickDeclaration(pages, null);
  if (!target) return ['search: no declaration page to look for'];
  for (const vp of VIEWPORTS) {
    const at = `search at ${vp.name}px`;
    const context = await newContext(browser, baseUrl, vp);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(`console: ${msg.text()}`));
    try {
      await page.goto(new URL(target.url, baseUrl).href);
      const title = (await page.textContent('h1')) || '';
      const query = Array.from(title.trim()).slice(0, 2).join('');
      const found = await search(page, new URL(baseUrl).origin, query, null);
      const targets = found.hrefs.map((href) => new URL(href, page.url()).pathname);
      const scroll = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      const violations = await runAxe(page);
      report.search.viewports[vp.name] = { query, ...found, scroll, axe: violations, errors };
      if (!targets.includes(target.url)) problems.push(`${at}: “${query}” does not list ${target.url}: ${found.titles.join('、')}`);
      if (found.fetched.length > 6) problems.push(`${at}: “${query}” fetched ${found.fetched.length} index files`);
      if (scroll.scrollWidth > scroll.innerWidth) problems.push(`${at}: the page scrolls sideways with results open (${scroll.scrollWidth}px)`);
      for (const v of violations) problems.push(`${at}: axe ${v.id} (${v.impact}): ${v.help}`);
      for (const e of errors) problems.push(`${at}: ${e}`);
    } catch (err) {
      problems.push(`${at}: ${err.message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
  return problems;
}

// ----------------------------------------------------------------------------------------------
// main

function pickDeclaration(pages, wanted) {
  if (wanted) {
    const u = wanted.endsWith('/') ? wanted : `${wanted}/`;
    const p = pages.find((x) => x.url === u);
    if (!p) usage(`--declaration ${wanted}: no such page in the site`);
    return p;
  }
  // The largest declaration page: the most indicators, the hardest print layout.
  const decls = pages.filter((p) => p.kind === 'declaration');
  return decls.sort((a, b) => b.size - a.size || a.url.localeCompare(b.url))[0] || null;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const deadline = setTimeout(() => {
    console.error(`check-site: gave up after ${OVERALL_TIMEOUT_MS / 60000} minutes`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  deadline.unref();

  fs.mkdirSync(opts.out, { recursive: true });
  const files = walk(opts.site);
  const htmlFiles = files.filter((f) => /\.html?$/i.test(f)).sort();
  const pages = findPages(opts.site, files);
  const declaration = pickDeclaration(pages, opts.declaration);
  const screenshotUrls = new Set(
    pages.filter((p) => p.kind === 'home' || p.kind === 'year').map((p) => p.url),
  );
  if (declaration) screenshotUrls.add(declaration.url);

  const started = Date.now();
  const report = {
    site: opts.site,
    started: new Date(started).toISOString(),
    tools: {
      chromium: opts.chromium,
      axe: require('axe-core/package.json').version,
      playwright: require('playwright-core/package.json').version,
      vnu: require('vnu-jar/package.json').version,
      axeTags: AXE_TAGS,
    },
    pages: [],
    print: null,
    vnu: null,
    search: null,
    problems: [],
    ok: false,
  };
  const problems = [];
  if (pages.filter((p) => p.kind !== '404').length === 0) problems.push(`no index.html pages in ${opts.site}`);
  if (!fs.existsSync(path.join(opts.site, '404.html'))) problems.push('no 404.html in the site');
  if (!declaration) problems.push('no declaration page (YEAR/SLUG/index.html) to print');

  // Without a CJK font Chromium draws every Chinese character as an empty box: the screenshots
  // and the PDF would be worthless while every other check still passes.
  const fonts = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (fonts.error) report.tools.cjkFont = `unknown (fc-list: ${fonts.error.message})`;
  else {
    report.tools.cjkFont = fonts.stdout.split('\n')[0].trim() || null;
    if (!report.tools.cjkFont) problems.push('no CJK font installed (apt-get install fonts-wqy-microhei): Chinese text renders as boxes');
  }

  const vnuPromise = runVnu(opts.site, htmlFiles);
  const server = await startServer(opts.site);
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  console.log(`check-site: ${opts.site} at ${baseUrl}: ${pages.length} pages × ${VIEWPORTS.length} widths, ${htmlFiles.length} HTML files for vnu`);

  let browser;
  try {
    if (!fs.existsSync(opts.chromium)) throw new Error(`${opts.chromium} not found (apt-get install chromium)`);
    browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: CHROMIUM_ARGS });
    report.tools.chromium = `${opts.chromium} ${browser.version()}`;
    for (const vp of VIEWPORTS) {
      const context = await newContext(browser, baseUrl, vp);
      for (const p of pages) {
        let entry = report.pages.find((e) => e.url === p.url);
        if (!entry) {
          entry = { url: p.url, file: p.file, kind: p.kind, expectStatus: p.expectStatus, viewports: {}, problems: [] };
          report.pages.push(entry);
        }
        const r = await checkPageAtViewport(context, baseUrl, p, vp, opts.out, screenshotUrls.has(p.url));
        entry.viewports[vp.name] = r;
        const found = viewportProblems(p, vp, r);
        entry.problems.push(...found);
        problems.push(...found);
      }
      await context.close();
    }
    problems.push(...(await checkFavicons(baseUrl, report.pages)));
    if (declaration) {
      const { result, problems: found } = await checkPrint(browser, baseUrl, declaration, opts.out, opts.formSelector);
      report.print = result;
      problems.push(...found);
    }
    if (opts.search) {
      problems.push(...(await runSearchChecks({ browser, baseUrl, pages, report, reportDir: opts.out })));
    }
  } catch (err) {
    problems.push(`browser: ${err.message.split('\n')[0]}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
  }

  report.vnu = await vnuPromise;
  problems.push(...report.vnu.problems);
  report.problems = problems;
  report.ok = problems.length === 0;
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  fs.writeFileSync(path.join(opts.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');

  printSummary(report, opts);
  process.exitCode = report.ok ? 0 : 1;
}

function printSummary(report, opts) {
  const lines = [''];
  const w = Math.max(10, ...report.pages.map((p) => p.url.length));
  for (const p of report.pages) {
    const cells = VIEWPORTS.filter((vp) => p.viewports[vp.name]).map(({ name }) => {
      const r = p.viewports[name];
      const s = r.scroll ? `${r.scroll.scrollWidth}/${r.scroll.innerWidth}px` : 'n/a';
      const errs = r.consoleErrors.length + r.pageErrors.length + r.failedRequests.length;
      return `${name}: ${r.axe.length} axe, ${errs} errors, width ${s}`;
    });
    lines.push(`${p.problems.length ? 'FAIL' : 'ok  '} ${p.url.padEnd(w)}  ${cells.join(' | ')}`);
  }
  const pr = report.print;
  if (pr) {
    const tbl = pr.tables ? `${pr.tables.filter((t) => t.visible).length}/${pr.tables.length} tables visible` : 'no tables';
    lines.push(`print ${pr.url}: ${pr.pages ?? '?'} A4 page(s) in ${pr.file ?? '(no PDF)'}, ${tbl}`);
  }
  if (report.vnu) lines.push(`vnu: ${report.vnu.messages.length} error(s) in ${report.vnu.files} HTML file(s)`);
  lines.push(`report: ${path.join(opts.out, 'report.json')} (${report.seconds}s)`);
  if (report.problems.length) {
    lines.push('', `${report.problems.length} problem(s):`);
    for (const p of report.problems) lines.push(`  - ${p}`);
    lines.push('', `RESULT: FAIL (${report.problems.length} problems)`);
  } else {
    lines.push('', 'RESULT: PASS');
  }
  console.log(lines.join('\n'));
}

// Run as a script; importing the module (e.g. to reuse startServer) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`check-site: ${err.stack || err}`);
    process.exit(1);
  });
}

export { countPdfPages, findPages, runSearchChecks, startServer };
