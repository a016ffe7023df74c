/**
 * A least-recently-used map bounded by the bytes its entries hold (each entry's size is given by
 * the caller, an estimate of what the entry keeps alive), not by their count: ten entries of
 * 2 MB and ten thousand of 200 bytes are not the same risk. When over budget it lets go of the
 * oldest entries that no live user holds first (`inUse`), then, if still over, of the oldest
 * ones in use (their users keep them alive anyway; the cache stops counting them). An entry
 * larger than the whole budget is not kept at all.
 */
export class ByteLru<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly inUse: (value: V) => boolean = () => false,
  ) {}

  /** Bytes held by the entries now (by their estimates). */
  get bytes() {
    return this.total;
  }

  get size() {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  set(key: K, value: V, bytes: number) {
    this.delete(key);
    if (bytes > this.budgetBytes) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    this.trim();
  }

  delete(key: K) {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.total -= e.bytes;
  }

  /** Lets go of entries until within budget: unused ones first, oldest first. */
  trim() {
    if (this.total <= this.budgetBytes) return;
    for (const [k, e] of this.entries) {
      if (this.total <= this.budgetBytes) return;
      if (!this.inUse(e.value)) this.delete(k);
    }
    for (const k of this.entries.keys()) {
      if (this.total <= this.budgetBytes) return;
      this.delete(k);
    }
  }

  clear() {
    this.entries.clear();
    this.total = 0;
  }
}
