/** The character codes of each byte's two hex digits (ids are minted on every run). */
const hexCodes = Array.from({ length: 256 }, (_, byte) => [...byte.toString(16).padStart(2, "0")].map((digit) => digit.charCodeAt(0)) as [number, number]);

/** Scratch space for one id; `uuidv7` is synchronous, so one buffer serves every call. */
const bytes = new Uint8Array(16);

/** The id's 36 character codes, dashes in place: filled per call, then made into one flat string. */
const dash = "-".charCodeAt(0);
const codes: number[] = Array.from({ length: 36 }, () => dash);
/** Where each byte's two digits go in `codes`. */
const digitOffsets = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so
 * ids sort by creation time and can be minted by clients without a round
 * trip. Pure: the caller passes the time and 10 random bytes.
 */
export function uuidv7(unixMs: number, random: Uint8Array): string {
  if (random.length < 10) throw new RangeError("uuidv7 needs 10 random bytes");
  let time = Math.max(0, Math.floor(unixMs));
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(random.subarray(0, 10), 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  for (let index = 0; index < 16; index++) {
    const [high, low] = hexCodes[bytes[index]!]!;
    const offset = digitOffsets[index]!;
    codes[offset] = high;
    codes[offset + 1] = low;
  }
  // One flat string, not 20 concatenations (a chain of cons strings to flatten again when serialised).
  return String.fromCharCode.apply(null, codes);
}

/** The creation time encoded in a UUIDv7, in Unix milliseconds. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}
