/**
 * A binary min-heap of items ordered by a numeric key. Used by the dry-run projection and the
 * engine's work queue, where 100k+ entries make a sorted array (O(n) inserts) too slow.
 *
 * Equal keys pop in no particular order (a heap is not stable): callers that need FIFO among
 * equals fold a sequence number into the key.
 */
export class MinHeap<T> {
  // Parallel arrays instead of {item, key} objects: one allocation less per push on a hot path.
  private readonly items: T[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(item: T, key: number): void {
    const items = this.items;
    const keys = this.keys;
    let i = keys.length;
    items.push(item);
    keys.push(key);
    // Sift up: move parents down until the new key's slot is found, then write once.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      keys[i] = pk;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** The item with the smallest key, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** The smallest key, or undefined when empty. */
  peekKey(): number | undefined {
    return this.keys[0];
  }

  /** Removes and returns the item with the smallest key. */
  pop(): T | undefined {
    const items = this.items;
    const keys = this.keys;
    const n = keys.length;
    if (n === 0) return undefined;
    const top = items[0];
    const lastItem = items.pop()!;
    const lastKey = keys.pop()!;
    if (n > 1) this.siftDown(lastItem, lastKey);
    return top;
  }

  private siftDown(item: T, key: number): void {
    const items = this.items;
    const keys = this.keys;
    const n = keys.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && keys[right]! < keys[left]! ? right : left;
      const ck = keys[child]!;
      if (ck >= key) break;
      keys[i] = ck;
      items[i] = items[child]!;
      i = child;
    }
    keys[i] = key;
    items[i] = item;
  }
}
