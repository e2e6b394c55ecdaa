// Types queries into the search box of a built disclose site in headless Chromium and prints,
// as JSON on stdout, the titles the box lists for each query:
//
//   node tests/browser/search.mjs SITE_DIR [QUERY ...]      (default queries: 科普 学会)
//   → {"科普": ["…", …], "学会": [...], "errors": [...]}
//
// The site is served from SITE_DIR by Node's http module on 127.0.0.1 (any free port); requests
// that leave the site are blocked, so this also shows that search works offline. Queries are
// typed one after the other into the same box on the home page, as a reader would. Exit 0 with
// the JSON; 1 when the box is missing or the page logs errors; 2 on a usage error.
// Needs playwright-core in tests/browser/node_modules and Debian's /usr/bin/chromium
// (or CHROMIUM).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8',
  '.pagefind': 'application/wasm',
};

function serve(root) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (!path.startsWith(root)) throw new Error('outside');
      let info = await stat(path).catch(() => null);
      if (info && info.isDirectory()) {
        path = join(path, 'index.html');
        info = await stat(path).catch(() => null);
      }
      if (!info) {
        res.writeHead(404, { 'Content-Type': TYPES['.html'] });
        res.end(await readFile(join(root, '404.html')).catch(() => 'not found'));
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] || 'application/octet-stream' });
      res.end(await readFile(path));
    } catch {
      res.writeHead(400);
      res.end();
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

async function resultsFor(page, query) {
  await page.fill('#site-search', '');
  await page.type('#site-search', query, { delay: 30 });
  // search.js marks the list with the query it answers.
  await page.waitForFunction(
    (q) => {
      const output = document.querySelector('.search-results');
      return output && output.getAttribute('data-query') === q && output.querySelector('.search-status');
    },
    query,
    { timeout: 15000 },
  );
  return page.$$eval('.search-results li > a', (links) =>
    links.map((a) => ({ title: a.textContent, href: a.getAttribute('href') })),
  );
}

async function main() {
  const [siteArg, ...queryArgs] = process.argv.slice(2);
  if (!siteArg) {
    console.error('usage: node search.mjs SITE_DIR [QUERY ...]');
    process.exit(2);
  }
  const root = resolve(siteArg);
  const queries = queryArgs.length ? queryArgs : ['科普', '学会'];
  const server = await serve(root);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const report = { errors: [] };
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => report.errors.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') report.errors.push(`console: ${msg.text()}`);
    });
    await page.route('**/*', (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort(),
    );
    await page.goto(`${origin}/`);
    await page.waitForSelector('#site-search', { state: 'visible', timeout: 10000 });
    const label = await page.$eval('label[for="site-search"]', (l) => l.textContent.trim());
    report.label = label;
    for (const query of queries) {
      const found = await resultsFor(page, query);
      report[query] = found.map((r) => r.title).sort();
      // Every result must open its declaration page.
      for (const { href } of found) {
        const target = new URL(href, page.url()).href;
        const response = await page.request.get(target);
        if (response.status() !== 200) report.errors.push(`${query}: ${href} answers ${response.status()}`);
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

main();
