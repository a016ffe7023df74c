import { signIdentity, type Viewer } from '@plaza/shared';
import { TEST_GATEWAY_SECRET } from '@plaza/shared/testing';

/** A signed GET to a subgraph route (the gateway's proxy in miniature); `as` omitted sends no identity. */
export async function getRoute(graphqlUrl: string, path: string, as?: Viewer, secret = TEST_GATEWAY_SECRET) {
  const res = await fetch(graphqlUrl.replace(/\/graphql$/, '') + path, { headers: as ? signIdentity(as, secret) : {} });
  const bytes = new Uint8Array(await res.arrayBuffer());
  // fetch's text() would strip the BOM the tests want to see.
  return { status: res.status, headers: res.headers, bytes, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
}

/** RFC 4180, enough for the tests: quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  if (cell || row.length) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-50))}`);
  return rows;
}

/** The JSON error of a refused route call. */
export const routeError = (text: string) => JSON.parse(text).errors[0] as { message: string; extensions: { code: string; field?: string } };
