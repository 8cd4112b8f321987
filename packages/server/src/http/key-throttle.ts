import { hash } from "node:crypto";
import type { Context } from "hono";
import { LRUCache } from "lru-cache";
import { TooManyAttemptsError } from "./route-errors.js";

/** How failed key attempts are throttled per client address (defaults in `defaultKeyThrottle`). */
export interface KeyThrottleOptions {
  /** Wrong keys an address may present in a burst before it is throttled. */
  maxFailures?: number;
  /** Seconds in which the burst allowance refills completely (one attempt back every `windowSeconds / maxFailures`). */
  windowSeconds?: number;
  /** Addresses remembered at once (least recently seen forgotten first): bounds the memory an attacker can make us use. */
  maxAddresses?: number;
  /** Keys remembered per address as having worked from it. */
  maxKnownKeysPerAddress?: number;
  /** Milliseconds, for tests. */
  now?: () => number;
}

export const defaultKeyThrottle = { maxFailures: 20, windowSeconds: 60, maxAddresses: 4096, maxKnownKeysPerAddress: 64 } as const;

interface AddressState {
  /** Failures the address may still make now (refilled with time). */
  allowance: number;
  at: number;
  /** Hashes of keys that authenticated from this address, most recent last. */
  /** Keys that worked from the address, least recently used forgotten first. */
  known: LRUCache<string, true>;
}

/** One-shot `crypto.hash` (Node ≥ 20.12): the same digest as `createHash`, ~4× cheaper; every fetch the template front answers pays one. */
const hashOf = (plaintext: string) => hash("sha256", plaintext, "base64url");

/**
 * Throttles failed key attempts per client address, in memory (each instance
 * counts its own). An address that has presented `maxFailures` wrong keys in
 * quick succession gets 429s for keys it has not used successfully before,
 * without the key being looked up, so guessing from it goes at most one try
 * per `windowSeconds / maxFailures`. A valid key is never locked out: other
 * addresses are not affected, and keys that already worked from the address
 * keep working from it. A session cookie (HMAC-signed, not guessable) is never
 * throttled.
 */
export class KeyThrottle {
  readonly #maxFailures: number;
  readonly #refillPerMs: number;
  readonly #maxKnown: number;
  readonly #now: () => number;
  /** The least recently seen address is forgotten first. */
  readonly #addresses: LRUCache<string, AddressState>;

  constructor(options: KeyThrottleOptions = {}) {
    this.#maxFailures = options.maxFailures ?? defaultKeyThrottle.maxFailures;
    this.#refillPerMs = this.#maxFailures / ((options.windowSeconds ?? defaultKeyThrottle.windowSeconds) * 1000);
    this.#addresses = new LRUCache({ max: options.maxAddresses ?? defaultKeyThrottle.maxAddresses });
    this.#maxKnown = options.maxKnownKeysPerAddress ?? defaultKeyThrottle.maxKnownKeysPerAddress;
    this.#now = options.now ?? Date.now;
  }

  /** Addresses currently remembered (for tests of the bound). */
  get size(): number {
    return this.#addresses.size;
  }

  /**
   * Before a key is looked up: throws `TooManyAttemptsError` when the address
   * is out of allowance and the key never worked from it.
   */
  admit(address: string, plaintext: string): void {
    const state = this.#state(address, false);
    if (!state || state.allowance >= 1) return;
    if (state.known.has(hashOf(plaintext))) return;
    const waitMs = (1 - state.allowance) / this.#refillPerMs;
    throw new TooManyAttemptsError(Math.max(1, Math.ceil(waitMs / 1000)));
  }

  /** A wrong key from the address. */
  failed(address: string): void {
    const state = this.#state(address, true)!;
    state.allowance = Math.max(0, state.allowance - 1);
  }

  /** A key that worked from the address: it stays admitted from there. */
  succeeded(address: string, plaintext: string): void {
    const state = this.#state(address, true)!;
    state.known.set(hashOf(plaintext), true);
  }

  #state(address: string, create: boolean): AddressState | undefined {
    const now = this.#now();
    // Seen again (a get): most recent.
    let state = this.#addresses.get(address);
    if (state) {
      state.allowance = Math.min(this.#maxFailures, state.allowance + (now - state.at) * this.#refillPerMs);
      state.at = now;
      return state;
    }
    if (!create) return undefined;
    state = { allowance: this.#maxFailures, at: now, known: new LRUCache({ max: this.#maxKnown }) };
    this.#addresses.set(address, state);
    return state;
  }
}

/**
 * The client's address: the socket's peer when served by @hono/node-server;
 * undefined in-process (`app.request`), where there is no one to hold back.
 * Behind a reverse proxy it is the proxy's (every client shares its
 * allowance; keys that worked through it keep working).
 */
export function clientAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
