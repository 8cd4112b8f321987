/** A tiny AWS event-stream encoder for tests (the transport only decodes). */
import { crc32 } from "../aws-event-stream.js";

export type TestHeaderValue =
  | { type: "bool"; value: boolean }
  | { type: "byte" | "short" | "int"; value: number }
  | { type: "long" | "timestamp"; value: bigint }
  | { type: "bytes" | "uuid"; value: Uint8Array }
  | { type: "string"; value: string };

const typeCodes = { byte: 2, short: 3, int: 4, long: 5, bytes: 6, string: 7, timestamp: 8, uuid: 9 } as const;

function encodeHeaders(headers: Record<string, TestHeaderValue | string>): Uint8Array {
  const parts: number[] = [];
  const text = new TextEncoder();
  const push = (bytes: ArrayLike<number>) => {
    for (let i = 0; i < bytes.length; i++) parts.push(bytes[i] as number);
  };
  const numberBytes = (size: number, write: (view: DataView) => void) => {
    const view = new DataView(new ArrayBuffer(size));
    write(view);
    push(new Uint8Array(view.buffer));
  };
  for (const [name, raw] of Object.entries(headers)) {
    const header: TestHeaderValue = typeof raw === "string" ? { type: "string", value: raw } : raw;
    const nameBytes = text.encode(name);
    parts.push(nameBytes.length);
    push(nameBytes);
    switch (header.type) {
      case "bool":
        parts.push(header.value ? 0 : 1);
        break;
      case "byte":
        parts.push(typeCodes.byte);
        numberBytes(1, (view) => view.setInt8(0, header.value));
        break;
      case "short":
        parts.push(typeCodes.short);
        numberBytes(2, (view) => view.setInt16(0, header.value));
        break;
      case "int":
        parts.push(typeCodes.int);
        numberBytes(4, (view) => view.setInt32(0, header.value));
        break;
      case "long":
      case "timestamp":
        parts.push(typeCodes[header.type]);
        numberBytes(8, (view) => view.setBigInt64(0, header.value));
        break;
      case "bytes":
      case "string": {
        const bytes = header.type === "string" ? text.encode(header.value) : header.value;
        parts.push(typeCodes[header.type]);
        numberBytes(2, (view) => view.setUint16(0, bytes.length));
        push(bytes);
        break;
      }
      case "uuid":
        parts.push(typeCodes.uuid);
        push(header.value);
        break;
    }
  }
  return Uint8Array.from(parts);
}

/** One framed message: prelude, prelude CRC, headers, payload, message CRC. */
export function encodeAwsEventStreamMessage(headers: Record<string, TestHeaderValue | string>, payload: Uint8Array | string): Uint8Array {
  const headerBytes = encodeHeaders(headers);
  const payloadBytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const total = 12 + headerBytes.length + payloadBytes.length + 4;
  const message = new Uint8Array(total);
  const view = new DataView(message.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.length);
  view.setUint32(8, crc32(message.subarray(0, 8)));
  message.set(headerBytes, 12);
  message.set(payloadBytes, 12 + headerBytes.length);
  view.setUint32(total - 4, crc32(message.subarray(0, total - 4)));
  return message;
}

/** A Bedrock ConverseStream event message, as the service frames it. */
export function bedrockEventMessage(eventType: string, payload: unknown): Uint8Array {
  return encodeAwsEventStreamMessage(
    { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" },
    JSON.stringify(payload),
  );
}
