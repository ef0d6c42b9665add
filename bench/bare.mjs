// The ceiling for a body of a given size on this machine: a bare node:http server (no framework,
// no database) answering every request with the same bytes. Run by bench/run.mjs in its own process:
// node bench/bare.mjs <bytes>; prints the port it listens on.
import http from 'node:http';

const body = Buffer.alloc(Number(process.argv[2] ?? 0), 'x');
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
