import type { GraphQLSchema } from 'graphql';
import { ByteLru } from './byte.lru';
import type { CachedDocument } from './document.cache';
import { SubscriptionPlan, stable } from './subscription.plan';

/**
 * Plans by document, operation and the declared variables' values (never by whatever else a
 * client sent): identical subscribers share one. Bounded by bytes; plans no subscriber uses go first.
 */
export class PlanCache {
  private readonly plans: ByteLru<string, SubscriptionPlan>;

  constructor(
    private readonly schema: GraphQLSchema,
    budgetBytes: number,
  ) {
    this.plans = new ByteLru(budgetBytes, (p) => p.users > 0);
  }

  get(doc: CachedDocument, operationName: string | null, coerced: Record<string, unknown>, used: Record<string, unknown>): SubscriptionPlan {
    const k = `${doc.id}|${operationName ?? ''}|${stable(used)}`;
    let plan = this.plans.get(k);
    if (!plan) {
      plan = new SubscriptionPlan(this.schema, doc.document!, operationName, coerced, used);
      // The plan keeps parts of the document's AST alive: counted with it.
      this.plans.set(k, plan, doc.bytes + 2 * (k.length + plan.groupKey.length) + 2048);
    }
    return plan;
  }

  /** After a plan lost a user: drop unused ones past the budget. */
  trim(): void {
    this.plans.trim();
  }

  get bytes(): number {
    return this.plans.bytes;
  }

  clear(): void {
    this.plans.clear();
  }
}
