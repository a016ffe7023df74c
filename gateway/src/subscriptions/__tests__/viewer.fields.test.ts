import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type TypeNode } from 'graphql';
import { readSupergraph } from '../../gateway';
import { isViewerDependentName, viewerDependentFields } from '../viewer.fields';
import { schema } from './stand-in';

/** Fields of every object and interface type in the supergraph, with their return type's name. */
function supergraphFields(): { type: string; field: string; returns: string }[] {
  const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
  const out: { type: string; field: string; returns: string }[] = [];
  for (const d of parse(readSupergraph()).definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const f of d.fields ?? []) out.push({ type: d.name.value, field: f.name.value, returns: named(f.type) });
  }
  return out;
}

/** `@FieldResolver` methods of the subgraphs whose bodies read the viewer (ctx.viewer or a viewer* loader). */
function viewerReadingResolvers(): string[] {
  const root = join(__dirname, '../../../../services');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === 'node_modules' || name === 'dist' || name === '__tests__') continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.resolver.ts')) files.push(p);
    }
  };
  walk(root);
  const out: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // Fields of the Viewer type itself (`me { following }`) are reached only through a field that
    // returns Viewer, which the rule already makes viewer-dependent.
    const resolved = /@Resolver\(\(\) => (\w+)\)/.exec(text)?.[1];
    if (resolved === 'Viewer' || (resolved && new RegExp(`@ObjectType\\('Viewer'\\)\\s*export class ${resolved}\\b`).test(text))) continue;
    // A field resolver: the decorator, then the method name and its body up to the next decorator or the class end.
    for (const m of text.matchAll(/@FieldResolver\([^\n]*\n\s*(?:async\s+)?(\w+)\(([^)]*)\)[^{]*\{([\s\S]*?)\n\s{2}\}/g)) {
      const [, name, , body] = m;
      if (/ctx\.viewer|loaders\.viewer/.test(body!)) out.push(name!);
    }
  }
  return out;
}

describe('viewer-dependent fields', () => {
  it('every supergraph field named viewer… or returning Viewer is viewer-dependent, and so are the personal ones', () => {
    const fields = supergraphFields();
    const viewerish = fields.filter((f) => f.field.startsWith('viewer') || f.returns === 'Viewer');
    expect(viewerish.map((f) => f.field)).toEqual(expect.arrayContaining(['viewerSupports', 'viewerStance', 'me']));
    for (const f of viewerish) expect([f.type, f.field, isViewerDependentName(f.field) || f.returns === 'Viewer']).toEqual([f.type, f.field, true]);
    expect(isViewerDependentName('reporterContact')).toBe(true);
    expect(isViewerDependentName('title')).toBe(false);
  });

  it('every subgraph field resolver that reads the viewer resolves a viewer-dependent field', () => {
    const reading = viewerReadingResolvers();
    // The scan finds the known ones (so it is scanning at all)…
    expect(reading).toEqual(expect.arrayContaining(['reporterContact', 'viewerSupports', 'viewerStance']));
    // …and each of them is covered by the rule.
    for (const name of reading) expect([name, isViewerDependentName(name)]).toEqual([name, true]);
  });

  it('a schema’s set comes from its own types (the stand-in has reporterContact, no viewer fields)', () => {
    const set = viewerDependentFields(schema);
    expect(set.has('reporterContact')).toBe(true);
    expect(set.has('title')).toBe(false);
  });
});
