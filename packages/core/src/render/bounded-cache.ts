/**
 * A small least-recently-used map: the SDK renders the same few texts over and
 * over, so parsed templates are kept, but never more than `capacity` of them.
 *
 * A hit only stamps the entry with a counter (hits are the hot path, on every
 * render); the scan for the least recently used entry happens on a miss that
 * overflows the cache, which pays for a parse anyway.
 */
interface Entry<V> {
  value: V;
  lastUsed: number;
}

export class BoundedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private clock = 0;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.lastUsed = ++this.clock;
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.lastUsed = ++this.clock;
      return;
    }
    this.entries.set(key, { value, lastUsed: ++this.clock });
    if (this.entries.size > this.capacity) this.evictLeastRecentlyUsed();
  }

  get size(): number {
    return this.entries.size;
  }

  private evictLeastRecentlyUsed(): void {
    let oldestKey: K | undefined;
    let oldest = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed < oldest) {
        oldest = entry.lastUsed;
        oldestKey = key;
      }
    }
    if (oldest !== Infinity) this.entries.delete(oldestKey as K);
  }
}
