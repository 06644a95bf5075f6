// Runs the pinned s3rver on the given loopback address and port for the xunit tests:
//   node s3rver.mjs --directory <dir> --address 127.0.0.1 --port <port>
// s3rver 3.7 answers AbortMultipartUpload with 405 and ListMultipartUploads with NotImplemented; real S3
// has both, and the tests need them to prove a failed upload leaves nothing behind. They are added here
// on top of s3rver's own multipart store (<directory>/<bucket>/._S3rver_uploads/<uploadId>/).
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import S3rver from 's3rver';

const { values } = parseArgs({
  options: {
    directory: { type: 'string' },
    address: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
  },
});
if (!values.directory || !values.port) {
  process.stderr.write('usage: node s3rver.mjs --directory <dir> --address 127.0.0.1 --port <port>\n');
  process.exit(2);
}

const bucketName = /^[a-z0-9][a-z0-9.-]*$/;
const uploadIdForm = /^[0-9a-f]+$/;
const xml = (s) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const uploadsDir = (bucket) => path.join(values.directory, bucket, '._S3rver_uploads');

const app = new S3rver({ directory: values.directory, address: values.address, port: Number(values.port), silent: true });

// Runs before s3rver's own middleware (Koa composes the array when the server starts listening).
app.middleware.unshift(async (ctx, next) => {
  // Path-style only (the store forces it); the SDK sends the bucket as /bucket/ for bucket calls.
  const [bucket, ...keyParts] = ctx.path.split('/').slice(1).filter((part) => part !== '');
  if (!bucket || !bucketName.test(bucket)) return next();

  if (ctx.method === 'DELETE' && keyParts.length > 0 && typeof ctx.query.uploadId === 'string') {
    const id = ctx.query.uploadId;
    const dir = path.join(uploadsDir(bucket), id);
    if (!uploadIdForm.test(id) || !(await stat(dir).catch(() => null))) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
      return;
    }
    await rm(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }

  if (ctx.method === 'GET' && keyParts.length === 0 && 'uploads' in ctx.query) {
    const ids = await readdir(uploadsDir(bucket)).catch(() => []);
    const uploads = [];
    for (const id of ids.filter((i) => uploadIdForm.test(i)).sort()) {
      const dir = path.join(uploadsDir(bucket), id);
      const key = await readFile(path.join(dir, 'key'), 'utf8').catch(() => null);
      if (key === null) continue;
      const initiated = (await stat(dir)).birthtime.toISOString();
      uploads.push(`<Upload><Key>${xml(key)}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated></Upload>`);
    }
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`
      + `<Bucket>${xml(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads>`
      + `<IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
    return;
  }

  return next();
});

await app.run();
