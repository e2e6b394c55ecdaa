// Serves a built site folder over HTTP on 127.0.0.1 (any free port), as a static host would,
// in a process of its own:
//
//   node tests/browser/static-server.mjs SITE_DIR   → prints the port on its first line
//
// The browser tests that time search start it with `startStaticServer` rather than serving from
// their own process: the Playwright driver shares that process's event loop, and requests that
// wait on the driver measure the harness instead of the site. A directory answers with its
// index.html, a missing file with the site's 404.html, and a path that leaves SITE_DIR with 400.
// Every answer says `Cache-Control: no-store`, so each page load fetches what it uses.

import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8',
  '.bin': 'application/octet-stream',
};

function listen(root) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) throw new Error('outside');
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
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] || 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(await readFile(path));
    } catch {
      res.writeHead(400);
      res.end();
    }
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
}

// Start the server in a child process; resolves to { origin, close }.
export function startStaticServer(root) {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [script, resolve(root)], { stdio: ['ignore', 'pipe', 'inherit'] });
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

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (!process.argv[2]) {
    console.error('usage: node static-server.mjs SITE_DIR');
    process.exit(2);
  }
  listen(resolve(process.argv[2]));
}
