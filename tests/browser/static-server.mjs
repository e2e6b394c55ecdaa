// Serves a built site folder over HTTP on 127.0.0.1 (any free port), as a static host would:
// GET and HEAD only, a folder answers with its index.html (after a redirect to the trailing
// slash), a missing file or a path that leaves the folder (symlinks included) with the site's
// 404.html, and every answer says `Cache-Control: no-store`, so each page load fetches what it
// uses.
//
//   startServer(root)          in this process (check-site.mjs)
//   startStaticServer(root)    in a process of its own: { origin, close }
//   node tests/browser/static-server.mjs SITE_DIR   → prints the port on its first line
//
// The browser tests that time search use a process of its own: the Playwright driver shares
// this process's event loop, and requests that wait on the driver measure the harness instead
// of the site.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  // The search index's postings files (src/search/).
  '.bin': 'application/octet-stream',
};

function contentType(file) {
  const base = path.basename(file);
  if (base === 'SHA256SUMS') return 'text/plain; charset=utf-8';
  const ext = path.extname(base).toLowerCase();
  return CONTENT_TYPES[ext] || 'application/octet-stream';
}

function isInside(root, p) {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function startServer(root) {
  const realRoot = fs.realpathSync(root);
  const send = (req, res, status, file, headers = {}) => {
    const body = fs.readFileSync(file);
    res.writeHead(status, {
      'Content-Type': contentType(file),
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const notFound = (req, res) => {
    const page = path.join(realRoot, '404.html');
    if (fs.existsSync(page)) return send(req, res, 404, page);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : 'not found\n');
  };
  const server = http.createServer((req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' });
        return res.end();
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      let pathname;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        res.writeHead(400);
        return res.end();
      }
      if (pathname.includes('\0') || pathname.includes('\\')) return notFound(req, res);
      let file = path.resolve(realRoot, '.' + path.posix.normalize(pathname));
      if (!isInside(realRoot, file) || !fs.existsSync(file)) return notFound(req, res);
      // No escaping the site through a symlink either.
      file = fs.realpathSync(file);
      if (!isInside(realRoot, file)) return notFound(req, res);
      if (fs.statSync(file).isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { Location: url.pathname + '/' + url.search });
          return res.end();
        }
        file = path.join(file, 'index.html');
        if (!fs.existsSync(file)) return notFound(req, res);
      }
      if (!fs.statSync(file).isFile()) return notFound(req, res);
      return send(req, res, 200, file);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`server error: ${err.message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// Start the server in a child process; resolves to { origin, close }.
export function startStaticServer(root) {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [script, path.resolve(root)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let text = '';
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`static server exited with ${code} before listening`)));
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const line = text.split('\n')[0];
      if (text.includes('\n')) {
        done({ origin: `http://127.0.0.1:${Number(line)}`, close: () => child.kill() });
      }
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (!process.argv[2]) {
    console.error('usage: node static-server.mjs SITE_DIR');
    process.exit(2);
  }
  const server = await startServer(process.argv[2]);
  console.log(server.address().port);
}
