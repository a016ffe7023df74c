import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { Random } from '@plaza/shared/demo';

/**
 * A seeded generator of hostile requests (issue 11): the same seed always gives the same cases,
 * so a failure is reproduced by its seed and index. Cases are built from the live API schema,
 * so every root field, argument, scalar and input type of the contract gets bad input.
 */

export type Kind = 'contract' | 'variables' | 'mutated' | 'bomb' | 'malformed' | 'huge';

export interface HttpCase {
  kind: Kind;
  /** Short label for the report. */
  label: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  /** Raw body bytes (POST) or query string (GET). */
  body?: Buffer | string;
  search?: string;
  /** Which token to send: none, or a role. */
  as: 'anonymous' | 'RESIDENT' | 'STAFF' | 'ANALYST' | 'ADMIN' | 'forged';
}

export interface Ids {
  communities: string[];
  sessions: string[];
  issues: string[];
  plans: string[];
  teams: string[];
}

const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  'bad \ud800 surrogate',
  '\udc00',
  "x' OR 1=1 --",
  '"; DROP TABLE issues.issue; --',
  '%s%s%s%n',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\u202e反转',
  '🙂'.repeat(50),
  '水'.repeat(5000),
  'x'.repeat(70_000),
  '2025-13-45',
  '2025-02-29',
  '9999-12-31T23:59:59Z',
  '2026-05-01T19:30:00+08:00',
  'NaN',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'WyJ4JyBPUiAxPTEgLS0iLCJ4Il0', // a cursor of ["x' OR 1=1 --","x"]
  'eyJhIjoxfQ',
  '__proto__',
  'constructor',
];

const NASTY_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 1,
  1.5,
  1e308,
  -0,
  [],
  [null],
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  [[[[[[[[[[[]]]]]]]]]]],
  Array.from({ length: 2000 }, (_, i) => i),
  ...NASTY_STRINGS,
];

function randomString(r: Random): string {
  if (r.chance(0.6)) return r.pick(NASTY_STRINGS);
  const n = r.int(0, 40);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.chance(0.7) ? r.int(0x20, 0x7e) : r.int(0, 0xffff));
  return s;
}

/** A value meant for `type`: sometimes plausible (a real id, a valid date), often hostile. */
function valueFor(type: GraphQLInputType, r: Random, ids: Ids, depth = 0): unknown {
  if (r.chance(0.25)) return r.pick(NASTY_VALUES);
  if (isNonNullType(type)) return valueFor(type.ofType, r, ids, depth);
  if (isListType(type)) {
    if (r.chance(0.2)) return valueFor(type.ofType, r, ids, depth + 1); // a single value where a list goes
    return Array.from({ length: r.int(0, 4) }, () => valueFor(type.ofType, r, ids, depth + 1));
  }
  if (isEnumType(type)) return r.chance(0.8) ? r.pick(type.getValues()).name : randomString(r);
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (r.chance(0.8)) out[f.name] = valueFor(f.type, r, ids, depth + 1);
    if (r.chance(0.1)) out[randomString(r) || 'extra'] = randomString(r);
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return r.chance(0.7) ? r.pick([...ids.communities, ...ids.sessions, ...ids.issues, ...ids.plans, ...ids.teams]) : randomString(r);
      case 'Int':
        return r.pick([0, 1, 5, 20, 100, 101, -1, 2 ** 31, 1.5, '5']);
      case 'Float':
        return r.pick([0, 1.5, -3, 1e308, 'x', Number.MAX_VALUE]);
      case 'Boolean':
        return r.pick([true, false, 'true', 0]);
      case 'Date':
        return r.pick(['2025-01-01', '2025-12-31', '2026-12-04', '2025-02-29', '2025-1-1', '20250101', 20250101]);
      case 'DateTime':
        return r.pick(['2026-05-01T19:30:00+08:00', '2025-01-01T00:00:00Z', 'not a time', '2026-13-01T00:00:00Z', 0]);
      default:
        return randomString(r);
    }
  }
  return null;
}

/** A selection of `type`'s scalar fields, one level into object fields, connections included. */
function selection(type: GraphQLObjectType, r: Random, depth: number): string {
  const parts: string[] = [];
  for (const [name, field] of Object.entries(type.getFields())) {
    const named = getNamedType(field.type);
    const required = field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    if (required) continue;
    if (isLeafType(named)) {
      if (r.chance(0.7)) parts.push(name);
    } else if (isObjectType(named) && depth < 3 && r.chance(0.35)) {
      const inner = selection(named, r, depth + 1);
      if (inner) parts.push(`${name} { ${inner} }`);
    }
  }
  if (!parts.length) parts.push('__typename');
  return parts.join(' ');
}

/** A contract operation on one root field, every argument a variable. */
export function operationFor(schema: GraphQLSchema, kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, r: Random) {
  const varDefs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const sel = isObjectType(named) ? ` { ${selection(named, r, 0)} }` : '';
  void schema;
  return `${kind} Fuzz${varDefs ? `(${varDefs})` : ''} { ${field.name}${args ? `(${args})` : ''}${sel} }`;
}

/** Mutates a document's text the way a broken or hostile client would. */
function mutateText(doc: string, r: Random): string {
  const ops = [
    () => doc.slice(0, r.int(0, doc.length)), // truncated
    () => doc.replace(/\{/, '{ {'),
    () => doc.replace(/\w+/, (w) => w + w),
    () => doc.replace(/\$(\w+)/, '$$nope'),
    () => `${doc} ${doc}`, // two anonymous operations
    () => doc.replace(/\{ /, `{ __schema { types { name } } `),
    () => doc.replace(/\{ /, '{ __typename @skip(if: $nope) '),
    () => doc.replace(/(query|mutation)/, 'subscription'),
    () => doc.replace(/\}/g, ''),
    () => doc + ' fragment F on Query { ...F }',
    () => doc.replace(/\w+/g, (w) => (r.chance(0.1) ? w.toUpperCase() : w)),
    () => doc.split('').reverse().join(''),
    () => doc.replace(/ /, ' \u0000 '),
    () => doc.replace(/"/g, '\\u0000'),
    () => `${'#'.repeat(r.int(1, 5))}${doc}`,
    () => doc.replace(/\{ /, '{ a: __typename @include(if: true) @include(if: false) @skip(if: true) '),
  ];
  return r.pick(ops)();
}

/** Query bombs: each should be refused fast, before planning or any subgraph call. */
export function bombs(): { label: string; query: string }[] {
  const deep = (n: number) => `{ communities { ${'sessions(first: 1) { edges { node { community { '.repeat(n)}id${' } } } }'.repeat(n)} } }`;
  const fragments = (levels: number) => {
    const defs = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    defs.push(`fragment F${levels} on Query { communities { id name } }`);
    return `query { ...F0 } ${defs.join(' ')}`;
  };
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: communities { id }`).join(' ')} }`;
  const directives = (n: number) => `{ __typename ${'@include(if: true) '.repeat(n)} }`;
  const duplicates = (n: number) => `{ ${'__typename '.repeat(n)} }`;
  const wide = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `c${i}: communities { id name sessions(first: 100) { edges { node { id issues(first: 100) { edges { node { id title } } } } } } }`).join(' ')} }`;
  return [
    { label: 'depth 40', query: deep(40) },
    { label: 'fragment explosion 20 levels', query: fragments(20) },
    { label: 'fragment explosion 30 levels', query: fragments(30) },
    { label: '500 aliases', query: aliases(500) },
    { label: '5,000 directives', query: directives(5000) },
    { label: '30,000 duplicate fields', query: duplicates(30_000) },
    { label: 'cost: 100 x 100 lists', query: wide(3) },
    { label: 'unterminated string', query: `{ issues(filter: { text: "${'x'.repeat(10_000)}`.slice(0, 20_000) },
  ];
}

export function contractFields(schema: GraphQLSchema) {
  const out: { kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] = [];
  for (const f of Object.values(schema.getQueryType()?.getFields() ?? {})) out.push({ kind: 'query', field: f });
  for (const f of Object.values(schema.getMutationType()?.getFields() ?? {})) out.push({ kind: 'mutation', field: f });
  return out;
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const ROLES: HttpCase['as'][] = ['anonymous', 'RESIDENT', 'STAFF', 'ANALYST', 'ADMIN', 'forged'];

/** The `i`th case of a run: the mix is fixed by `i`, the details by the seeded generator. */
export function httpCase(i: number, r: Random, schema: GraphQLSchema, ids: Ids): HttpCase {
  const fields = contractFields(schema);
  const as = r.pick(ROLES);
  const jsonHeaders = { 'content-type': 'application/json' };
  const slot = i % 20;
  if (slot < 6) {
    // A contract operation with plausible-to-hostile variables of its own argument types.
    const { kind, field } = r.pick(fields);
    const variables = Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, r, ids)]));
    return { kind: 'variables', label: `${kind} ${field.name}`, method: 'POST', headers: jsonHeaders, body: json({ query: operationFor(schema, kind, field, r), variables }), as };
  }
  if (slot < 9) {
    const { kind, field } = r.pick(fields);
    const variables = Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, r, ids)]));
    return {
      kind: 'mutated',
      label: `mutated ${field.name}`,
      method: 'POST',
      headers: jsonHeaders,
      body: json({ query: mutateText(operationFor(schema, kind, field, r), r), variables, operationName: r.pick([undefined, '', 'Fuzz', 'Nope', 5, null]) }),
      as,
    };
  }
  if (slot < 11) {
    const b = r.pick(bombs());
    // As a signed-in or anonymous viewer: a forged token would be refused (401) before the limits.
    // Accepting graphql-response+json: a refused bomb is then 400 (with application/json it is 200, GraphQL over HTTP).
    return {
      kind: 'bomb',
      label: b.label,
      method: 'POST',
      headers: { ...jsonHeaders, accept: 'application/graphql-response+json' },
      body: json({ query: b.query }),
      as: as === 'forged' ? 'anonymous' : as,
    };
  }
  if (slot < 16) return malformed(r, as);
  if (slot < 17) return huge(r, as);
  // A plain, valid read: the background of real traffic the hostile cases run among.
  const { field } = r.pick(fields.filter((f) => f.kind === 'query' && f.field.args.every((a) => !isNonNullType(a.type))));
  return { kind: 'contract', label: `query ${field.name}`, method: 'POST', headers: jsonHeaders, body: json({ query: operationFor(schema, 'query', field, r) }), as };
}

function malformed(r: Random, as: HttpCase['as']): HttpCase {
  const q = '{ communities { id name } }';
  const cases: [string, () => Omit<HttpCase, 'kind' | 'as' | 'label'>][] = [
    ['truncated JSON', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query": "${q}"` })],
    ['empty body', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '' })],
    ['JSON null', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' })],
    ['JSON array (batch)', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: q }, { query: q }]) })],
    ['JSON string', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '"{ __typename }"' })],
    ['query not a string', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: r.pick([5, null, [], {}, true]) }) })],
    ['variables not an object', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, variables: r.pick(['x', 5, [1], true]) }) })],
    [
      'extensions garbage',
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q, extensions: r.pick(['x', { persistedQuery: { version: 1, sha256Hash: 'x' } }, { persistedQuery: 5 }]) }),
      }),
    ],
    [
      'invalid UTF-8',
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat([Buffer.from('{"query":"{ issues(filter:{text:\\"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\\"}){ totalCount } }"}')]),
      }),
    ],
    ['UTF-16 body', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ query: q }), 'utf16le') })],
    ['text/plain', () => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: q }) })],
    ['application/graphql', () => ({ method: 'POST', headers: { 'content-type': 'application/graphql' }, body: q })],
    ['multipart', () => ({ method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--' })],
    ['no content type', () => ({ method: 'POST', headers: {}, body: JSON.stringify({ query: q }) })],
    ['charset latin1', () => ({ method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: JSON.stringify({ query: q }) })],
    ['GET query', () => ({ method: 'GET', headers: {}, search: `?query=${encodeURIComponent(q)}` })],
    ['GET mutation', () => ({ method: 'GET', headers: {}, search: `?query=${encodeURIComponent('mutation { supportIssue(issueId: "x") { id } }')}` })],
    ['GET bad variables', () => ({ method: 'GET', headers: {}, search: `?query=${encodeURIComponent(q)}&variables=%7Bnope` })],
    ['GET no query', () => ({ method: 'GET', headers: {}, search: '?x=1' })],
    [
      'bad authorization',
      () => ({
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: r.pick(['Bearer', 'Bearer x.y.z', 'Basic abc', 'Bearer ' + 'a'.repeat(5000), 'bearer  ', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZXMiOlsiQURNSU4iXX0.']),
        },
        body: JSON.stringify({ query: q }),
      }),
    ],
    ['bad request id', () => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'x'.repeat(5000) }, body: JSON.stringify({ query: q }) })],
    [
      'forged identity headers',
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-plaza-identity': '{"id":"x","roles":["ADMIN"]}', 'x-plaza-signature': 'x', 'x-plaza-timestamp': '1' },
        body: JSON.stringify({ query: '{ me { id roles } }' }),
      }),
    ],
  ];
  const [label, make] = r.pick(cases);
  return { kind: 'malformed', label, as: label === 'bad authorization' ? 'anonymous' : as, ...make() };
}

function huge(r: Random, as: HttpCase['as']): HttpCase {
  const cases: [string, () => Omit<HttpCase, 'kind' | 'as' | 'label'>][] = [
    ['3 MB body', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }) })],
    ['1.9 MB of variables', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }', variables: { pad: '水'.repeat(600_000) } }) })],
    ['200 KB document', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ ${'communities { id } '.repeat(10_000)} }` }) })],
    ['20 KB header', () => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-pad': 'x'.repeat(20_000) }, body: JSON.stringify({ query: '{ __typename }' }) })],
    [
      '10,000 variables',
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`v${i}`, i])) }),
      }),
    ],
    [
      'deeply nested JSON',
      () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query":"{ __typename }","variables":{"v":${'['.repeat(50_000)}${']'.repeat(50_000)}}}` }),
    ],
  ];
  const [label, make] = r.pick(cases);
  return { kind: 'huge', label, as, ...make() };
}

/** WebSocket messages after a good connection_init: broken frames and hostile subscriptions. */
export function wsMessages(r: Random, schema: GraphQLSchema, ids: Ids, n: number): (string | Buffer)[] {
  const sub = schema.getSubscriptionType();
  const subFields = sub ? Object.values(sub.getFields()) : [];
  const out: (string | Buffer)[] = [];
  for (let i = 0; i < n; i++) {
    const id = `f${i}`;
    switch (i % 8) {
      case 0:
      case 1:
      case 2: {
        const field = r.pick(subFields);
        const variables = Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, r, ids)]));
        const doc = operationFor(schema, 'query', field, r).replace(/^query/, 'subscription');
        out.push(JSON.stringify({ id, type: 'subscribe', payload: { query: r.chance(0.3) ? mutateText(doc, r) : doc, variables } }));
        break;
      }
      case 3:
        out.push(JSON.stringify({ id, type: 'subscribe', payload: { query: r.pick(bombs()).query.replace(/^(query)?/, 'subscription ') } }));
        break;
      case 4:
        out.push(r.pick(['{', 'null', '[]', '"x"', '{"type":5}', '{"type":"nope"}', '{"id":5,"type":"subscribe","payload":{}}', '{"type":"subscribe"}', '{"type":"complete","id":"never"}']));
        break;
      case 5:
        out.push(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
        break;
      case 6:
        out.push(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { issueEvents { cursor } }', variables: r.pick([null, 'x', [1]]) } }));
        break;
      default:
        out.push(JSON.stringify({ type: 'ping', payload: r.pick([undefined, { x: 'y'.repeat(1000) }]) }));
    }
  }
  return out;
}
