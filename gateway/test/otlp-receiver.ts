import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an OpenTelemetry collector: answers OTLP/HTTP trace exports on /v1/traces and
 * keeps every span, decoded from OTLP/JSON or OTLP/protobuf (a minimal wire-format reader for the
 * few fields the tests look at), so a test sees exactly what a collector would receive.
 */

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** How it arrived: `json` or `protobuf`. */
  encoding: 'json' | 'protobuf';
}

export interface OtlpReceiver {
  origin: string;
  spans: ReceivedSpan[];
  /** Export requests received, by content type. */
  requests: Record<string, number>;
  close(): Promise<void>;
}

// ---- OTLP/JSON ----
const hexId = (v: unknown): string => {
  const s = String(v ?? '');
  if (!s) return '';
  // The spec says hex; accept base64 (protobuf-JSON's default for bytes) as well.
  return /^[0-9a-f]+$/i.test(s) && (s.length === 32 || s.length === 16) ? s.toLowerCase() : Buffer.from(s, 'base64').toString('hex');
};

const anyValue = (v: any): string | number | boolean => v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined) ?? v?.doubleValue ?? v?.boolValue ?? JSON.stringify(v);

function fromJson(body: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const res = Object.fromEntries((rs.resource?.attributes ?? []).map((a: any) => [a.key, anyValue(a.value)]));
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          service: String(res['service.name']),
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: hexId(s.parentSpanId),
          name: s.name,
          kind: Number(s.kind ?? 0),
          attributes: Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, anyValue(a.value)])),
          encoding: 'json',
        });
      }
    }
  }
  return out;
}

// ---- OTLP/protobuf (opentelemetry/proto/collector/trace/v1) ----
type Field = { no: number; wire: number; value: bigint | Buffer };

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      r |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return r;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1) {
      out.push({ no, wire, value: buf.subarray(i, i + 8) });
      i += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(i, i + 4) });
      i += 4;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return out;
}

const sub = (fs: Field[], no: number) => fs.filter((f) => f.no === no).map((f) => f.value as Buffer);

function keyValues(fs: Field[], no: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of sub(fs, no)) {
    const f = fields(kv);
    const key = sub(f, 1)[0]?.toString('utf8') ?? '';
    const v = fields(sub(f, 2)[0] ?? Buffer.alloc(0))[0];
    if (!v) continue;
    // AnyValue: 1 string, 2 bool, 3 int, 4 double.
    out[key] = v.no === 1 ? (v.value as Buffer).toString('utf8') : v.no === 2 ? v.value === 1n : v.no === 3 ? Number(v.value as bigint) : v.no === 4 ? (v.value as Buffer).readDoubleLE(0) : '?';
  }
  return out;
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of sub(fields(body), 1)) {
    const rsf = fields(rs);
    const res = keyValues(fields(sub(rsf, 1)[0] ?? Buffer.alloc(0)), 1);
    for (const ss of sub(rsf, 2)) {
      for (const span of sub(fields(ss), 2)) {
        const f = fields(span);
        out.push({
          service: String(res['service.name']),
          traceId: sub(f, 1)[0]?.toString('hex') ?? '',
          spanId: sub(f, 2)[0]?.toString('hex') ?? '',
          parentSpanId: sub(f, 4)[0]?.toString('hex') ?? '',
          name: sub(f, 5)[0]?.toString('utf8') ?? '',
          kind: Number((f.find((x) => x.no === 6)?.value as bigint | undefined) ?? 0n),
          attributes: keyValues(f, 9),
          encoding: 'protobuf',
        });
      }
    }
  }
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!;
      requests[type] = (requests[type] ?? 0) + 1;
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      try {
        if (type === 'application/json') {
          spans.push(...fromJson(JSON.parse(body.toString('utf8'))));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          spans.push(...fromProtobuf(body));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        }
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(e));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
