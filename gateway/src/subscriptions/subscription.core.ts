import { GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { eventSeq, TooManySubscriptionsError, type ErrorCode } from '@plaza/shared';
import type { DocumentCache, CachedDocument } from './document.cache';
import type { GroupRegistry } from './group.registry';
import type { SubscriptionLimits } from './operation.limits';
import type { PlanCache } from './plan.cache';
import type { Connection } from './subscriber.connection';
import type { Member } from './subscription.member';
import type { SubscriptionPlan } from './subscription.plan';
import { hydrationLimitError, prepareRequest } from './subscription.request';

export interface SubscriptionCoreOptions {
  /** The API schema extended with the contract's Subscription types. */
  schema: GraphQLSchema;
  limits: SubscriptionLimits;
  documents: DocumentCache;
  plans: PlanCache;
  groups: GroupRegistry;
  /** Subscriptions one connection may hold open; past it TOO_MANY_SUBSCRIPTIONS. */
  maxPerConnection: number;
}

/** What `prepare` hands to `subscribe`: everything checked and planned before any await. */
interface SubscribeContext {
  connection: Connection;
  id: string;
  plan: SubscriptionPlan;
  document: CachedDocument;
}

const gqlError = (message: string, code: ErrorCode, extra: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code, ...extra } });

/**
 * The subscription protocol without the socket (graphql-ws' makeServer to our useServer in
 * subscriptions.server.ts): a subscribe message checked, planned and turned into a member of
 * its group, with the connection's cap and the documents' and plans' users counted so a
 * subscription that ends lets go of exactly what it took.
 */
export class SubscriptionCore {
  constructor(private readonly o: SubscriptionCoreOptions) {}

  /**
   * Parsed and validated once per distinct query text, shared by every subscriber using it; then
   * the operation, its variables and limits are checked and it is planned — all before anything
   * is cached by variables or any event reaches it. Errors are the `error` message's.
   */
  prepare(connection: Connection, id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
    const { schema, limits } = this.o;
    const cached = this.o.documents.get(payload.query);
    const variables = payload.variables;
    // graphql-ws keeps the payload for the subscription's life: let it hold the shared text
    // and none of the variables (what the plan needs it keeps itself).
    (payload as { query: string }).query = cached.query;
    (payload as { variables?: unknown }).variables = undefined;
    if (!cached.document) return [...cached.errors];
    const req = prepareRequest(schema, cached.document, payload.operationName, variables, limits);
    if (Array.isArray(req)) return [...req];
    const r = req as Exclude<typeof req, readonly GraphQLError[]>;
    let plan: SubscriptionPlan;
    try {
      plan = this.o.plans.get(cached, r.operationName, r.coerced, r.used);
    } catch (e) {
      return [e instanceof GraphQLError ? e : gqlError((e as Error).message, 'BAD_USER_INPUT')];
    }
    const tooComplex = hydrationLimitError(schema, cached.document, r, plan.hydrationAliases, limits);
    if (tooComplex) return [tooComplex];
    const contextValue: SubscribeContext = { connection, id, plan, document: cached };
    return { schema, document: cached.document, operationName: r.operationName, variableValues: r.coerced, contextValue };
  }

  /** A prepared subscription joins its group: a Member (graphql-ws iterates it), or a refusal. */
  async subscribe(args: ExecutionArgs): Promise<Member | ExecutionResult> {
    const { connection: conn, id, plan, document } = args.contextValue as SubscribeContext;
    if (conn.expired) return { errors: [gqlError('令牌已过期 (token expired)', 'UNAUTHENTICATED')] };
    if (plan.binding.perFollower) {
      if (!conn.viewer.id) return { errors: [gqlError('请先登录 (myIssueEvents needs a signed-in resident)', 'UNAUTHENTICATED')] };
      if (!conn.viewer.roles.includes('RESIDENT')) return { errors: [gqlError('仅限居民 (myIssueEvents is for RESIDENT viewers)', 'FORBIDDEN')] };
    }
    const max = this.o.maxPerConnection;
    if (conn.slots >= max) return { errors: [new TooManySubscriptionsError(max)] };
    // Reserved before the first await: checked and taken in one step, or a burst of subscribes
    // on one socket would all pass the check before any of them was counted.
    conn.slots++;
    plan.users++;
    document.users++;
    let member: Member | null = null;
    const release = () => {
      conn.slots--;
      plan.users--;
      this.o.documents.release(document);
      this.o.plans.trim();
    };
    try {
      const afterSeq = plan.after ? eventSeq(plan.after) : null;
      if (plan.after && afterSeq == null) {
        return { errors: [gqlError(`无效的游标 (invalid cursor ${JSON.stringify(plan.after)})`, 'BAD_USER_INPUT', { field: 'after' })] };
      }
      await this.o.groups.ready(plan.binding.topic);
      member = this.o.groups.join({
        plan,
        viewer: conn.viewer,
        outlet: conn.outlet,
        id,
        after: plan.after ? { seq: afterSeq!, cursor: plan.after } : null,
        left: (m) => {
          conn.members.delete(m);
          release();
        },
      });
      conn.members.add(member);
      return member;
    } finally {
      if (!member) release();
    }
  }
}
