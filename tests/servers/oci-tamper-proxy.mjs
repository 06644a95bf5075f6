// A registry that serves wrong bytes, for the pull integrity tests: relays every request to a real
// registry on 127.0.0.1:--upstream and flips the first byte of each blob body it sends back
// (GET /v2/<repo>/blobs/<digest>), keeping the length, so only a digest check can notice. With
// --times N, only the first N blob bodies are altered (a byte flipped on the wire, once).
//
//   node oci-tamper-proxy.mjs --port 8081 --upstream 5000 [--times N]
import http from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port ?? 0);
const upstream = Number(args.upstream);
let remaining = args.times === undefined ? Infinity : Number(args.times);

const server = http.createServer((req, res) => {
  const blob = req.method === 'GET' && /^\/v2\/.+\/blobs\/sha256:[a-f0-9]{64}$/.test(req.url);
  const tamper = blob && remaining > 0;
  if (tamper) remaining--;
  const forward = http.request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    let first = true;
    answer.on('data', (chunk) => {
      if (tamper && first && answer.statusCode === 200 && chunk.length > 0) {
        chunk = Buffer.from(chunk);
        chunk[0] ^= 0xff;
      }
      first = false;
      res.write(chunk);
    });
    answer.on('end', () => res.end());
  });
  forward.on('error', (err) => {
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`upstream failed: ${err.message}\n`);
  });
  req.pipe(forward);
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
