import { getNamedType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

/**
 * Fields whose value depends on who asks — not only on the roles and communities that an
 * authorization scope shares — so a subscriber selecting one shares hydrations only with itself.
 * The rule, not a hand-kept list: every field named `viewer…` (viewerSupports, viewerStance, and
 * any added later by that convention), every field returning the `Viewer` type (`me`), plus the
 * ones below that are personal without saying so in their name. viewer.fields.test.ts walks the
 * supergraph and the subgraphs' resolvers to keep the rule true.
 */
const PERSONAL_FIELDS = new Set(['me', 'reporterContact']);

export const VIEWER_TYPE = 'Viewer';

/** By name alone (what a selection shows without a schema). */
export function isViewerDependentName(fieldName: string): boolean {
  return PERSONAL_FIELDS.has(fieldName) || fieldName.startsWith('viewer');
}

const bySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** Every field name in `schema` that is viewer-dependent: by the name rule or by returning `Viewer`. */
export function viewerDependentFields(schema: GraphQLSchema): ReadonlySet<string> {
  const known = bySchema.get(schema);
  if (known) return known;
  const out = new Set<string>(PERSONAL_FIELDS);
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const f of Object.values(type.getFields())) {
      if (isViewerDependentName(f.name) || getNamedType(f.type).name === VIEWER_TYPE) out.add(f.name);
    }
  }
  bySchema.set(schema, out);
  return out;
}
