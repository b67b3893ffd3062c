import http from 'node:http';

/**
 * The ceiling of the benchmark: plain node:http answering a small JSON
 * envelope, no routing, no parsing. Prints its port on stdout when listening.
 */
const body = JSON.stringify({ status: 'success', data: 'OK' });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
