// EXPERIMENT ONLY (not used by `npm run bench` unless BENCH_GATEWAY_PRELOAD points here):
// preloaded into our gateway child with `node --require`, it tries two fixes without touching
// gateway/src, so their effect can be measured before the lead applies them for real:
//   PLAZA_EXP_FETCH=1  subgraph calls through Node's own fetch (undici, keep-alive pool) instead
//                      of @apollo/gateway's default make-fetch-happen;
//   PLAZA_EXP_DEDUP=1  identical in-flight subgraph queries (same subgraph, same viewer, same
//                      body) share one HTTP call; each waiter parses its own copy of the answer
//                      (the executor mutates results). Mutations are never shared.
const { RemoteGraphQLDataSource } = require('@apollo/gateway');

const FETCH = process.env.PLAZA_EXP_FETCH === '1';
const DEDUP = process.env.PLAZA_EXP_DEDUP === '1';
const inflight = new Map();

async function call(url, init) {
  const res = await fetch(url, init);
  return { ok: res.ok, status: res.status, headers: res.headers, text: await res.text() };
}

const original = RemoteGraphQLDataSource.prototype.sendRequest;
RemoteGraphQLDataSource.prototype.sendRequest = async function (request, context) {
  if (!FETCH && !DEDUP) return original.call(this, request, context);
  const { http, ...rest } = request;
  const body = JSON.stringify(rest);
  const init = { method: http.method, headers: Object.fromEntries(http.headers), body };
  let pending;
  const shareable = DEDUP && !/^\s*mutation\b/.test(rest.query ?? '');
  if (shareable) {
    const key = `${http.url}\n${JSON.stringify(context?.viewer ?? null)}\n${body}`;
    pending = inflight.get(key);
    if (!pending) {
      pending = call(http.url, init).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
  } else pending = call(http.url, init);
  const r = await pending;
  if (!r.ok) throw new Error(`${r.status} from subgraph: ${r.text.slice(0, 200)}`);
  return { ...JSON.parse(r.text), http: { headers: r.headers } };
};
