/**
 * AWS's binary event-stream framing (`application/vnd.amazon.eventstream`),
 * used by Bedrock's ConverseStream. Each message:
 *
 *   total length u32 | headers length u32 | prelude CRC32 u32 |
 *   headers | payload | message CRC32 u32
 *
 * with big-endian integers; a header is name length u8, name, value type u8,
 * value. Both CRCs are checked.
 */
import { crc32 as zlibCrc32 } from "node:zlib";
import { ProviderError } from "@promptline/core/errors";

/** A header value by its wire type (0/1 bool, 2 byte, 3 short, 4 int, 5 long, 6 bytes, 7 string, 8 timestamp, 9 uuid). */
export type AwsEventStreamHeaderValue = boolean | number | bigint | string | Uint8Array | Date;

/** One decoded event-stream message. */
export interface AwsEventStreamMessage {
  headers: Record<string, AwsEventStreamHeaderValue>;
  payload: Uint8Array;
}

const preludeLength = 12;
const checksumLength = 4;
/** Bedrock's messages are small; anything bigger is a corrupt length field. */
const maxMessageLength = 16 * 1024 * 1024;

/**
 * Decodes messages from a byte stream, however it is split into chunks.
 * Throws a ProviderError on a CRC mismatch, a bad length or a truncated message.
 */
export async function* decodeAwsEventStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<AwsEventStreamMessage> {
  let buffer: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    buffer = concat(buffer, chunk);
    while (buffer.length >= preludeLength) {
      const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      const totalLength = view.getUint32(0);
      if (view.getUint32(8) !== crc32(buffer.subarray(0, 8))) throw malformed("prelude checksum mismatch");
      if (totalLength < preludeLength + checksumLength || totalLength > maxMessageLength) {
        throw malformed(`invalid message length ${totalLength}`);
      }
      if (buffer.length < totalLength) break;
      const message = buffer.subarray(0, totalLength);
      buffer = buffer.subarray(totalLength);
      yield decodeMessage(message);
    }
  }
  if (buffer.length > 0) throw malformed("stream ended in the middle of a message");
}

function decodeMessage(message: Uint8Array): AwsEventStreamMessage {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const end = message.length - checksumLength;
  if (view.getUint32(end) !== crc32(message.subarray(0, end))) throw malformed("message checksum mismatch");
  const headersEnd = preludeLength + view.getUint32(4);
  if (headersEnd > end) throw malformed("headers longer than the message");
  return { headers: decodeHeaders(message.subarray(preludeLength, headersEnd)), payload: message.slice(headersEnd, end) };
}

function decodeHeaders(bytes: Uint8Array): Record<string, AwsEventStreamHeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const headers: Record<string, AwsEventStreamHeaderValue> = {};
  let offset = 0;
  /** Moves past `length` bytes and returns where they start. */
  const advance = (length: number): number => {
    if (offset + length > bytes.length) throw malformed("header runs past its section");
    offset += length;
    return offset - length;
  };
  const bytesOf = (length: number): Uint8Array => {
    const start = advance(length);
    return bytes.slice(start, start + length);
  };
  while (offset < bytes.length) {
    const name = text.decode(bytesOf(view.getUint8(advance(1))));
    const type = view.getUint8(advance(1));
    let value: AwsEventStreamHeaderValue;
    switch (type) {
      case 0:
      case 1:
        value = type === 0;
        break;
      case 2:
        value = view.getInt8(advance(1));
        break;
      case 3:
        value = view.getInt16(advance(2));
        break;
      case 4:
        value = view.getInt32(advance(4));
        break;
      case 5:
        value = view.getBigInt64(advance(8));
        break;
      case 6:
        value = bytesOf(view.getUint16(advance(2)));
        break;
      case 7:
        value = text.decode(bytesOf(view.getUint16(advance(2))));
        break;
      case 8:
        value = new Date(Number(view.getBigInt64(advance(8))));
        break;
      case 9:
        value = bytesOf(16);
        break;
      default:
        throw malformed(`unknown header value type ${type}`);
    }
    headers[name] = value;
  }
  return headers;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

function malformed(reason: string): ProviderError {
  return new ProviderError({
    provider: "amazon.bedrock",
    providerMessage: `malformed event stream: ${reason}`,
    errorType: "PROVIDER_ERROR",
    isRetryable: false,
  });
}

/** CRC-32 (IEEE 802.3, as zlib): Node's own (`zlib.crc32`, Node 20.15 and later). */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes);
}
