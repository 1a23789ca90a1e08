/**
 * A bounded "seen recently" set for dedupe keys (event ids, message ids). Webhook deliveries and Events API
 * replays overlap, and `id` is the documented dedupe key (reference.md §8); keeping every id forever would grow
 * without bound over a long campaign, so the oldest keys are forgotten first. Dedupe is a safety net on top of
 * the seq cursor, so forgetting a key older than the last 10,000 cannot cause a double-processed reply in
 * practice.
 */
export const DEFAULT_RECENT_IDS = 10_000;

export class RecentIds {
  // A Set iterates in insertion order, so its first key is always the oldest one.
  private readonly keys = new Set<string>();

  constructor(readonly capacity: number = DEFAULT_RECENT_IDS) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Expected \`capacity\` to be an integer >= 1, got ${String(capacity)}`);
    }
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Records `key`; returns false when it was already present (i.e. a duplicate). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (oldest.done !== true) this.keys.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}
