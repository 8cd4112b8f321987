import { crc32 } from "node:zlib";

/** The header value type `string` of the AWS event-stream encoding. */
const STRING_HEADER_TYPE = 7;

/**
 * Encodes one AWS event-stream message (`application/vnd.amazon.eventstream`), the binary framing of
 * Bedrock's ConverseStream: total length, headers length, prelude CRC32, string headers, payload,
 * message CRC32.
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Uint8Array {
  const encoder = new TextEncoder();
  const headerParts = Object.entries(headers).map(([name, value]) => {
    const nameBytes = encoder.encode(name);
    const valueBytes = encoder.encode(value);
    const part = new Uint8Array(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    const view = new DataView(part.buffer);
    part[0] = nameBytes.length;
    part.set(nameBytes, 1);
    part[1 + nameBytes.length] = STRING_HEADER_TYPE;
    view.setUint16(2 + nameBytes.length, valueBytes.length);
    part.set(valueBytes, 4 + nameBytes.length);
    return part;
  });
  const headersLength = headerParts.reduce((sum, part) => sum + part.length, 0);
  const totalLength = 12 + headersLength + payload.length + 4;
  const message = new Uint8Array(totalLength);
  const view = new DataView(message.buffer);
  view.setUint32(0, totalLength);
  view.setUint32(4, headersLength);
  view.setUint32(8, crc32(message.subarray(0, 8)));
  let offset = 12;
  for (const part of headerParts) {
    message.set(part, offset);
    offset += part.length;
  }
  message.set(payload, offset);
  view.setUint32(totalLength - 4, crc32(message.subarray(0, totalLength - 4)));
  return message;
}

/** One decoded event-stream message. */
export interface EventStreamMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

/**
 * Decodes a buffer of whole event-stream messages, checking both checksums. For tests that read the
 * wire without the AWS SDK, and for anyone reading a recorded Bedrock stream.
 */
export function decodeEventStream(bytes: Uint8Array): EventStreamMessage[] {
  const messages: EventStreamMessage[] = [];
  const decoder = new TextDecoder();
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 16) throw new Error("event-stream: truncated prelude");
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
    const totalLength = view.getUint32(0);
    const headersLength = view.getUint32(4);
    if (offset + totalLength > bytes.length) throw new Error("event-stream: truncated message");
    const message = bytes.subarray(offset, offset + totalLength);
    if (crc32(message.subarray(0, 8)) !== view.getUint32(8)) throw new Error("event-stream: prelude checksum mismatch");
    if (crc32(message.subarray(0, totalLength - 4)) !== view.getUint32(totalLength - 4)) {
      throw new Error("event-stream: message checksum mismatch");
    }
    const headers: Record<string, string> = {};
    let cursor = 12;
    while (cursor < 12 + headersLength) {
      const nameLength = message[cursor] ?? 0;
      const name = decoder.decode(message.subarray(cursor + 1, cursor + 1 + nameLength));
      cursor += 1 + nameLength;
      const type = message[cursor];
      if (type !== STRING_HEADER_TYPE) throw new Error(`event-stream: unsupported header type ${String(type)}`);
      const valueLength = new DataView(message.buffer, message.byteOffset + cursor + 1, 2).getUint16(0);
      headers[name] = decoder.decode(message.subarray(cursor + 3, cursor + 3 + valueLength));
      cursor += 3 + valueLength;
    }
    messages.push({ headers, payload: message.subarray(12 + headersLength, totalLength - 4) });
    offset += totalLength;
  }
  return messages;
}
