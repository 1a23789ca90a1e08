/**
 * How much V8 lets the heap grow between full garbage collections, for a live run.
 *
 * A live run allocates ~200 KB a send (measured with V8's sampling heap profiler, collected objects
 * included: `fetch` ~50 KB a request, two requests a lead, plus rendering and the journal), nearly all
 * of it garbage within a few ms. Requests in flight outlive young-generation collections, so that
 * garbage reaches the old generation, and V8's default policy answers by growing the heap by up to
 * 4× its live size after each full collection: a 100,000-lead run peaked near 1 GB of RSS while its
 * live heap stayed under ~100 MB. Growing by 10% instead keeps RSS near the live size (5,000 leads:
 * peak 245 → 176 MB, memory slope 20 → 1.6 KB a lead sent) for the same CPU time.
 *
 * This tunes the collector's schedule; it does not bound the heap (no --max-old-space-size, which
 * would have to be given on the node command line): a campaign whose live state needs more memory
 * still gets it. V8 reads this flag at every collection, so setting it at run time takes effect.
 * Not used by rehearsals or dry runs: their live heaps (the embedded sandbox, the preview's worker)
 * are large and would collect more often for nothing.
 */
import { setFlagsFromString } from "node:v8";

/** Heap growth after a full collection, in percent of the live heap: 10% (see above for the measurement). */
export const LIVE_RUN_HEAP_GROWING_PERCENT = 10;

/** Applies the live run's heap policy to this process (idempotent; there is no undoing it). */
export function keepLiveRunHeapSmall(): void {
  setFlagsFromString(`--heap-growing-percent=${LIVE_RUN_HEAP_GROWING_PERCENT}`);
}
