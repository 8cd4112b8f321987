import { LRUCache } from "lru-cache";

/**
 * The render caches (parsed f-strings, compiled Jinja): the SDK renders the
 * same few texts over and over, so they are kept, but never more than
 * `capacity` of them, the least recently used out first. `lru-cache` is the
 * one bounded LRU of the codebase (decision 0020); this only names the bound.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- lru-cache's own constraint: keys and values are never nullish
export class BoundedCache<K extends {}, V extends {}> extends LRUCache<K, V> {
  constructor(capacity: number) {
    super({ max: capacity });
  }
}
