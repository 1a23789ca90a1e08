/**
 * Thread id → lead id, for routing a reply to its lead, without keeping the thread ids themselves:
 * a run's leads keep theirs in the state (packed while idle: state/lead-map.ts), and a second copy as
 * map keys would be ~50 bytes a lead (50 MB at 1,000,000 leads). Keys are a 32-bit FNV-1a hash of
 * the thread id; a hit is confirmed against the lead's own thread id, so a collision (expected ~100
 * times among 1,000,000 threads) only means looking at two or three candidates.
 */
export class ThreadIndex {
  private readonly byHash = new Map<number, string | string[]>();

  /**
   * @param threadOf the thread id the state records for a lead (undefined when none).
   * @param hash a thread id's key (a seam for tests, which make every key collide). Default: FNV-1a.
   */
  constructor(
    private readonly threadOf: (leadId: string) => string | undefined,
    private readonly hash: (threadId: string) => number = fnv1a,
  ) {}

  set(threadId: string, leadId: string): void {
    const key = this.hash(threadId);
    const found = this.byHash.get(key);
    if (found === undefined || found === leadId) this.byHash.set(key, leadId);
    else if (typeof found === "string") this.byHash.set(key, [found, leadId]);
    else if (!found.includes(leadId)) found.push(leadId);
  }

  /** The lead whose recorded thread is `threadId`, if one was set. */
  get(threadId: string): string | undefined {
    const found = this.byHash.get(this.hash(threadId));
    if (found === undefined) return undefined;
    if (typeof found === "string") return this.threadOf(found) === threadId ? found : undefined;
    return found.find((leadId) => this.threadOf(leadId) === threadId);
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0; // a small integer in V8 (no boxed number per key)
}
