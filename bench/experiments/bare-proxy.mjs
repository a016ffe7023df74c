// The least a gateway in Node can do for one subgraph: verify the bearer token, sign the viewer for
// the subgraph, forward the body on a keep-alive socket and copy the answer back — no GraphQL, no
// plan, no plugins, no rate limit. Not a gateway (it does not read the operation): the floor that
// votes-floor.mjs measures ours against. Env: PORT, ISSUES_URL, JWT_SECRET, GATEWAY_SECRET.
import http from 'node:http';
import { require } from '../lib/util.mjs';

const { viewerFromAuthorization, signIdentity } = require('@plaza/shared');
const target = new URL(process.env.ISSUES_URL);
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 4096 });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    let identity;
    try {
      identity = signIdentity(await viewerFromAuthorization(req.headers.authorization, process.env.JWT_SECRET), process.env.GATEWAY_SECRET);
    } catch {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"message":"unauthenticated"}]}');
      return;
    }
    const body = Buffer.concat(chunks);
    const up = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, ...identity } },
      (r) => {
        const parts = [];
        r.on('data', (c) => parts.push(c));
        r.on('end', () => res.writeHead(r.statusCode, { 'content-type': r.headers['content-type'] ?? 'application/json' }).end(Buffer.concat(parts)));
      },
    );
    up.on('error', () => res.writeHead(502).end());
    up.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
