/**
 * The one owner of retry timing for provider calls (style guide habit 10):
 * which delays a provider may ask for, and the backoff used otherwise.
 */
import { backoffMs } from "../backoff.js";
import type { HeaderLookup } from "./http-client.js";

/** A provider's requested delay is honoured only up to this (longer waits fall back to backoff). */
export const maxHonouredRetryAfterMs = 60_000;
const initialBackoffMs = 500;
const maxBackoffMs = 8_000;

/**
 * The delay a response asks for, in milliseconds: `retry-after-ms`, else
 * `retry-after` as seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterFromHeaders(headers: HeaderLookup, nowMs: number): number | undefined {
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 8 s, each
 * shortened by up to a quarter at random so that clients spread out.
 *
 * @param retryNumber 0 for the first retry.
 */
export function backoffDelayMs(retryNumber: number, random: () => number): number {
  return Math.round(backoffMs(retryNumber, { initialMs: initialBackoffMs, maxMs: maxBackoffMs, jitter: 0.25, random }));
}

/** The delay before the next try: the provider's request when reasonable, backoff otherwise. */
export function retryDelayMs(retryAfterMs: number | undefined, retryNumber: number, random: () => number): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0 && retryAfterMs <= maxHonouredRetryAfterMs) {
    return Math.ceil(retryAfterMs);
  }
  return backoffDelayMs(retryNumber, random);
}

/**
 * OpenAI and Anthropic send `x-should-retry` to override the status-based
 * rule; undefined when the header is absent.
 */
export function shouldRetryHeader(headers: HeaderLookup): boolean | undefined {
  const value = headers.get("x-should-retry");
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** Waits `ms`, rejecting with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
