// A fault-injecting reverse proxy for the relocation tests: it forwards each request to a real
// server (--upstream, e.g. nginx) and, for a share --rate of the requests, answers with a fault
// instead: a reset connection, a 503, a body cut short of the Content-Length it promised, or a stall
// (no answer, or the body stopping mid-way) held for --stall ms, longer than the client's timeout.
//
// Whether a request fails, and how, is a hash of (--seed, method, path, how many times that method
// and path were asked before), so a run is repeatable whatever order concurrent requests arrive in.
// One method and path never fails more than --max-consecutive times in a row: a client that makes
// that many retries is judged on its handling of every kind of fault, not on a run of bad luck.
//
// Apart from those, a share --corrupt of the GET responses with a body arrive whole but with one
// byte flipped mid-body (same status, headers and length): only a client that hashes what it reads
// notices.
//
// GET /__faults returns {rate, corrupt, requests, faults: {reset, status503, truncate, stall, corrupt}};
// POST /__faults?rate=0.1&corrupt=0.1 sets the rates (so a test can lock its sources through the
// proxy first).
//
//   node fault-proxy.mjs --port 8080 --upstream http://127.0.0.1:8081 [--rate 0.1] [--corrupt 0]
//                        [--seed 1] [--stall 3000] [--max-consecutive 3]
import http from 'node:http';
import crypto from 'node:crypto';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port ?? 0);
const upstream = new URL(args.upstream);
let rate = Number(args.rate ?? 0.1);
let corruptRate = Number(args.corrupt ?? 0);
const seed = String(args.seed ?? '1');
const stallMs = Number(args.stall ?? 3000);
const maxConsecutive = Number(args['max-consecutive'] ?? 3);

const seen = new Map(); // method + path → requests so far
const streak = new Map(); // method + path → faults in a row
const faults = { reset: 0, status503: 0, truncate: 0, stall: 0, corrupt: 0 };
let requests = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

// The fault for this request, or null to forward it unharmed.
function faultFor(method, path) {
  const key = `${method} ${path}`;
  const n = seen.get(key) ?? 0;
  seen.set(key, n + 1);
  const digest = crypto.createHash('sha256').update(`${seed}\0${key}\0${n}`).digest();
  const room = (streak.get(key) ?? 0) < maxConsecutive;
  const fails = digest.readUInt32BE(0) / 2 ** 32 < rate && room;
  const corrupts = !fails && method === 'GET' && digest.readUInt32BE(8) / 2 ** 32 < corruptRate && room;
  streak.set(key, fails || corrupts ? (streak.get(key) ?? 0) + 1 : 0);
  if (corrupts) return { kind: 'corrupt' };
  if (!fails) return null;
  // A HEAD has no body to cut short: it gets one of the other three.
  const kinds = method === 'HEAD' ? ['reset', 'status503', 'stall'] : ['reset', 'status503', 'truncate', 'stall'];
  return { kind: kinds[digest[4] % kinds.length], midBody: digest[5] % 2 === 1 };
}

function forward(req, res, onResponse) {
  const proxied = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
    onResponse,
  );
  proxied.on('error', () => req.socket.destroy());
  req.pipe(proxied);
}

// Sends the upstream status, headers and `keep` bytes of the body, then `after` (cut or hold the connection).
function partial(req, res, upstreamRes, keep, after) {
  res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
  let sent = 0;
  let done = false;
  upstreamRes.on('data', chunk => {
    if (done) return;
    const room = keep - sent;
    if (chunk.length < room) {
      sent += chunk.length;
      res.write(chunk);
      return;
    }
    done = true;
    upstreamRes.destroy();
    res.write(chunk.subarray(0, room), () => after());
  });
  upstreamRes.on('end', () => {
    if (!done) res.end();
  });
}

function stall(req) {
  const timer = setTimeout(() => req.socket.destroy(), stallMs);
  req.socket.on('close', () => clearTimeout(timer));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/__faults') {
    if (req.method === 'POST' && url.searchParams.has('rate')) rate = Number(url.searchParams.get('rate'));
    if (req.method === 'POST' && url.searchParams.has('corrupt')) corruptRate = Number(url.searchParams.get('corrupt'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ rate, corrupt: corruptRate, requests, faults }));
    return;
  }
  requests++;
  const fault = faultFor(req.method, url.pathname);
  if (fault === null) {
    forward(req, res, upstreamRes => {
      res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    return;
  }
  switch (fault.kind) {
    case 'corrupt':
      forward(req, res, upstreamRes => {
        const length = Number(upstreamRes.headers['content-length'] ?? 0);
        res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
        if (length === 0) {
          upstreamRes.pipe(res);
          return;
        }
        faults.corrupt++;
        const target = Math.floor(length / 2);
        let offset = 0;
        upstreamRes.on('data', chunk => {
          if (target >= offset && target < offset + chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[target - offset] ^= 0x5a;
          }
          offset += chunk.length;
          res.write(chunk);
        });
        upstreamRes.on('end', () => res.end());
      });
      return;
    case 'reset':
      faults.reset++;
      req.socket.resetAndDestroy();
      return;
    case 'status503':
      faults.status503++;
      res.writeHead(503, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end(req.method === 'HEAD' ? undefined : 'injected 503\n');
      return;
    case 'truncate':
      faults.truncate++;
      forward(req, res, upstreamRes => {
        const length = Number(upstreamRes.headers['content-length'] ?? 0);
        partial(req, res, upstreamRes, Math.floor(length / 2), () => req.socket.destroy());
      });
      return;
    case 'stall':
      faults.stall++;
      if (!fault.midBody || req.method === 'HEAD') {
        stall(req);
        return;
      }
      forward(req, res, upstreamRes => {
        const length = Number(upstreamRes.headers['content-length'] ?? 0);
        partial(req, res, upstreamRes, Math.floor(length / 3), () => stall(req));
      });
      return;
  }
});

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
