/** Two hex digits per byte value, so formatting an id is 16 lookups (ids are minted on every run). */
const byteHex = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Scratch space for one id; `uuidv7` is synchronous, so one buffer serves every call. */
const bytes = new Uint8Array(16);

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
  const hex = (index: number) => byteHex[bytes[index]!]!;
  return (
    hex(0) + hex(1) + hex(2) + hex(3) + "-" +
    hex(4) + hex(5) + "-" +
    hex(6) + hex(7) + "-" +
    hex(8) + hex(9) + "-" +
    hex(10) + hex(11) + hex(12) + hex(13) + hex(14) + hex(15)
  );
}

/** The creation time encoded in a UUIDv7, in Unix milliseconds. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}
