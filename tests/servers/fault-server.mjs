// A failure injector for the retry tests, not a stand-in for a store: every path answers
// `--status` (default 503) to its first `--fail` requests (default 2), then 200 with a fixed body,
// ETag and Last-Modified, so a client that retries is judged on the real answer.
// GET /__requests returns how many requests each path received and the most that were in flight at
// once, so a test can prove the retries and a concurrency bound; --delay holds each answer so that
// concurrent requests overlap.
//
//   node fault-server.mjs --port 8080 [--fail 2] [--status 503] [--size 16] [--delay 0]
import http from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port ?? 0);
const failCount = Number(args.fail ?? 2);
const failStatus = Number(args.status ?? 503);
const body = Buffer.alloc(Number(args.size ?? 16), 'x');
const lastModified = new Date(Date.UTC(2024, 0, 2, 3, 4, 5)).toUTCString();
const delayMs = Number(args.delay ?? 0);
const counts = new Map();
let inFlight = 0;
let maxInFlight = 0;

const server = http.createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  if (path === '/__requests') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ paths: Object.fromEntries(counts), maxInFlight }));
    return;
  }
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  res.on('close', () => inFlight--);
  setTimeout(() => answer(req, res, path), delayMs);
});

function answer(req, res, path) {
  const seen = (counts.get(path) ?? 0) + 1;
  counts.set(path, seen);
  if (seen <= failCount) {
    res.writeHead(failStatus, { 'Content-Type': 'text/plain', 'Retry-After': '0' });
    res.end(req.method === 'HEAD' ? undefined : 'injected failure\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': body.length,
    ETag: '"fixed-etag"',
    'Last-Modified': lastModified,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
