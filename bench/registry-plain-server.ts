// The limit for the registry server benchmark: a bare HTTP server on 127.0.0.1 that stores PUT bodies as
// files and streams files back on GET, with no auth, hashing or checks. Prints {"url"} when listening.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2] ?? '.';
const server = createServer((req, res) => {
  const path = join(dir, basename(req.url ?? 'x'));
  if (req.method === 'PUT') {
    void pipeline(req, createWriteStream(path)).then(() => res.end('{}'));
    return;
  }
  void stat(path).then((info) => {
    res.writeHead(200, { 'content-length': info.size });
    void pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), res);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
