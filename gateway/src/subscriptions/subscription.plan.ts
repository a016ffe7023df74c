import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getOperationAST,
  parse,
  print,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getDirectiveValues } from 'graphql/execution/values';
import { HydrationFailedError, type Viewer } from '@plaza/shared';
import { FIELD_BINDINGS, entityKey, type EntityKind, type FieldBinding } from './subscription.fields';
import { viewerDependentFields } from './viewer.fields';

/** Runs a hydration operation through the supergraph as `viewer`. */
export type HydrateExecute = (document: DocumentNode, variables: Record<string, unknown>, viewer: Viewer) => Promise<ExecutionResult>;

const ROOT_QUERY: Record<EntityKind, { field: string; variable: string; type: string }> = {
  issue: { field: 'issue', variable: '__issue', type: 'ID!' },
  plan: { field: 'issue', variable: '__issue', type: 'ID!' },
  session: { field: 'session', variable: '__session', type: 'ID!' },
  topic: { field: 'topicProposal', variable: '__topic', type: 'ID!' },
};

type Part =
  | { key: string; kind: 'typename' }
  | { key: string; kind: 'scalar'; field: string }
  | { key: string; kind: 'entity'; entity: EntityKind; alias: string; selection: SelectionSetNode | undefined }
  | { key: string; kind: 'unknown' };

/**
 * One subscriber's operation, understood once: its root field, arguments, the parts of the event
 * it selects, and how to hydrate and serialise an event for it. Subscribers whose plans have the
 * same `groupKey` (and auth scope) receive the very same bytes.
 */
export class SubscriptionPlan {
  readonly fieldName: string;
  readonly rootKey: string;
  readonly binding: FieldBinding;
  readonly args: Record<string, any>;
  readonly after: string | null;
  readonly groupKey: string;
  readonly viewerDependent: boolean;
  /** Aliases the hydration query adds of its own (h0…, and __plans/__planId for a plan). */
  readonly hydrationAliases: number;
  private readonly parts: Part[];
  private readonly fallbacks: { field: string; alias: string }[];
  private readonly varDefs: string;
  private readonly fragments: string;
  private readonly usedVariables: Record<string, unknown>;
  private readonly documents = new Map<string, DocumentNode>();
  /** Live subscriptions using this plan (the plan cache lets go of unused plans first). */
  users = 0;

  /**
   * `variables` are the operation's variables coerced to their declared types (filters and
   * arguments read them); `raw` the client's values of those same variables, which hydrations
   * pass on to the gateway (it coerces them again). The document must already be within the
   * expansion limit (DocumentCache refuses others): collecting its fields walks every expansion.
   */
  constructor(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>, raw: Record<string, unknown> = variables) {
    const op = getOperationAST(document, operationName);
    if (!op || op.operation !== 'subscription') throw new Error('expected a subscription operation');
    const fragmentMap = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    const roots = collect(op.selectionSet, fragmentMap, variables);
    const [rootKey, rootNodes] = [...roots.entries()][0]!;
    const root = rootNodes[0]!;
    this.fieldName = root.name.value;
    this.rootKey = rootKey;
    const binding = FIELD_BINDINGS[this.fieldName];
    if (!binding) throw new Error(`Subscription.${this.fieldName} has no event binding; expected one of ${Object.keys(FIELD_BINDINGS).join(', ')}`);
    this.binding = binding;
    const fieldDef = schema.getSubscriptionType()!.getFields()[this.fieldName]!;
    const { after, ...rest } = getArgumentValues(fieldDef, root, variables) as Record<string, any>;
    this.after = typeof after === 'string' && after ? after : null;
    this.args = rest;

    const merged: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: rootNodes.flatMap((n) => n.selectionSet?.selections ?? []) };
    const eventFields = collect(merged, fragmentMap, variables);
    let n = 0;
    this.parts = [...eventFields.entries()].map(([key, nodes]): Part => {
      const name = nodes[0]!.name.value;
      if (name === '__typename') return { key, kind: 'typename' };
      const entity = binding.entities[name];
      if (entity) {
        const selections = nodes.flatMap((x) => x.selectionSet?.selections ?? []);
        return { key, kind: 'entity', entity, alias: `h${n++}`, selection: selections.length ? { kind: Kind.SELECTION_SET, selections } : undefined };
      }
      if (binding.scalars[name]) return { key, kind: 'scalar', field: name };
      return { key, kind: 'unknown' };
    });
    this.fallbacks = Object.keys(binding.fallbacks ?? {})
      .filter((f) => this.parts.some((p) => p.kind === 'scalar' && p.field === f))
      .map((field) => ({ field, alias: `h${n++}` }));
    this.hydrationAliases = n + 2 * this.parts.filter((p) => p.kind === 'entity' && p.entity === 'plan').length;

    // Only the variables and fragments the entity selections use, or validation fails.
    const usedVars = new Set<string>();
    const usedFragments = new Set<string>();
    const scan = (node: SelectionSetNode | FragmentDefinitionNode) =>
      visit(node, {
        Variable: (v) => void usedVars.add(v.name.value),
        FragmentSpread: (s) => {
          if (usedFragments.has(s.name.value) || !fragmentMap[s.name.value]) return;
          usedFragments.add(s.name.value);
          scan(fragmentMap[s.name.value]!);
        },
      });
    for (const p of this.parts) if (p.kind === 'entity' && p.selection) scan(p.selection);
    this.varDefs =
      (op as OperationDefinitionNode).variableDefinitions
        ?.filter((d) => usedVars.has(d.variable.name.value))
        .map((d) => print(d))
        .join(', ') ?? '';
    this.fragments = [...usedFragments].map((f) => print(fragmentMap[f]!)).join('\n');
    this.usedVariables = Object.fromEntries([...usedVars].filter((v) => v in raw).map((v) => [v, raw[v]]));
    this.viewerDependent = hasViewerField(merged, fragmentMap, viewerDependentFields(schema));
    this.groupKey = JSON.stringify([this.fieldName, rootKey, stable(this.args), print(merged), this.fragments, stable(this.usedVariables)]);
  }

  /** Applies the subscription's arguments to an event (before any hydration). */
  matches(event: object): boolean {
    return this.binding.matches(event as never, this.args);
  }

  /** Resolves the selected entities of `event` through the supergraph and serialises the result once. */
  async render(event: Record<string, unknown>, execute: HydrateExecute, viewer: Viewer): Promise<{ json: string; hydrated: boolean }> {
    const wanted = this.parts.filter((p): p is Extract<Part, { kind: 'entity' }> => p.kind === 'entity' && entityKey(p.entity, event) != null);
    const fallbacks = this.fallbacks.filter((f) => this.binding.fallbacks![f.field]!.when(event as never));
    let data: Record<string, any> = {};
    let errors: unknown[] | undefined;
    if (wanted.length || fallbacks.length) {
      const mask = wanted
        .map((p) => p.alias)
        .concat(fallbacks.map((f) => f.alias))
        .join(',');
      const doc = this.document(mask, wanted, fallbacks);
      const variables: Record<string, unknown> = { ...this.usedVariables };
      for (const p of wanted) variables[ROOT_QUERY[p.entity].variable] = entityKey(p.entity === 'plan' ? 'issue' : p.entity, event);
      if (fallbacks.length) variables.__issue = event.issueId;
      const result = await executeWithRetry(execute, doc, variables, viewer);
      data = (result.data as Record<string, any>) ?? {};
      errors = result.errors?.map((e) => this.relocate(e as any));
    }
    const out: Record<string, unknown> = {};
    for (const p of this.parts) {
      if (p.kind === 'typename') out[p.key] = this.binding.typeName;
      else if (p.kind === 'unknown') out[p.key] = null;
      else if (p.kind === 'scalar') {
        const fb = fallbacks.find((f) => f.field === p.field);
        out[p.key] = fb ? (data[fb.alias]?.[this.binding.fallbacks![p.field]!.field] ?? null) : this.binding.scalars[p.field]!(event as never);
      } else if (!wanted.includes(p)) out[p.key] = null;
      else if (p.entity === 'plan') {
        const plan = (data[p.alias]?.__plans as any[] | undefined)?.find((x) => x.__planId === event.planId) ?? null;
        if (plan) delete plan.__planId;
        out[p.key] = plan;
      } else out[p.key] = data[p.alias] ?? null;
    }
    const body: Record<string, unknown> = { data: { [this.rootKey]: out } };
    if (errors?.length) body.errors = errors;
    return { json: JSON.stringify(body), hydrated: wanted.length + fallbacks.length > 0 };
  }

  private document(mask: string, wanted: Extract<Part, { kind: 'entity' }>[], fallbacks: { field: string; alias: string }[]): DocumentNode {
    let doc = this.documents.get(mask);
    if (doc) return doc;
    const vars = new Map<string, string>();
    const fields = wanted.map((p) => {
      const q = ROOT_QUERY[p.entity];
      vars.set(q.variable, q.type);
      const sel = p.selection ? print(p.selection) : '{ __typename }';
      return p.entity === 'plan' ? `${p.alias}: ${q.field}(id: $${q.variable}) { __plans: plans { __planId: id ${sel.slice(1, -1)} } }` : `${p.alias}: ${q.field}(id: $${q.variable}) ${sel}`;
    });
    for (const f of fallbacks) {
      vars.set('__issue', 'ID!');
      fields.push(`${f.alias}: issue(id: $__issue) { ${this.binding.fallbacks![f.field]!.field} }`);
    }
    const defs = [...[...vars].map(([v, t]) => `$${v}: ${t}`), ...(this.varDefs ? [this.varDefs] : [])].join(', ');
    doc = parse(`query PlazaSubscriptionHydrate(${defs}) {\n${fields.join('\n')}\n}\n${this.fragments}`);
    this.documents.set(mask, doc);
    return doc;
  }

  /** A hydration error's path points into the subscriber's result, not our aliases. */
  private relocate(e: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }) {
    const path = e.path ? [...e.path] : undefined;
    if (path?.length) {
      const part = this.parts.find((p) => p.kind === 'entity' && p.alias === path[0]);
      path[0] = part ? part.key : path[0]!;
      path.unshift(this.rootKey);
    }
    return { message: e.message, ...(path ? { path } : {}), ...(e.extensions ? { extensions: e.extensions } : {}) };
  }
}

async function executeWithRetry(execute: HydrateExecute, doc: DocumentNode, variables: Record<string, unknown>, viewer: Viewer): Promise<ExecutionResult> {
  try {
    return await execute(doc, variables, viewer);
  } catch {
    try {
      return await execute(doc, variables, viewer);
    } catch (e) {
      // One failed call must not end the subscription: subscribers get the event with an error.
      return { errors: [new HydrationFailedError((e as Error).message)] };
    }
  }
}

function hasViewerField(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, viewerFields: ReadonlySet<string>): boolean {
  let found = false;
  const seen = new Set<string>();
  const scan = (node: SelectionSetNode | FragmentDefinitionNode) =>
    visit(node, {
      Field: (f) => void (viewerFields.has(f.name.value) && (found = true)),
      FragmentSpread: (s) => {
        if (seen.has(s.name.value) || !fragments[s.name.value]) return;
        seen.add(s.name.value);
        scan(fragments[s.name.value]!);
      },
    });
  scan(set);
  return found;
}

/** Fields of a selection set by response key, through fragments, honouring @skip/@include. */
function collect(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>, out = new Map<string, FieldNode[]>()) {
  for (const s of set.selections) {
    const skip = getDirectiveValues(GraphQLSkipDirective, s, variables);
    const include = getDirectiveValues(GraphQLIncludeDirective, s, variables);
    if (skip?.if === true || include?.if === false) continue;
    if (s.kind === Kind.FIELD) {
      const key = s.alias?.value ?? s.name.value;
      out.set(key, [...(out.get(key) ?? []), s]);
    } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, fragments, variables, out);
    else if (fragments[s.name.value]) collect(fragments[s.name.value]!.selectionSet, fragments, variables, out);
  }
  return out;
}

/** JSON with sorted keys, so equal values give equal group keys. */
export function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as any)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}
