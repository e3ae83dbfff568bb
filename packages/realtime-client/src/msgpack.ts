/**
 * MessagePack frames (subprotocol `bot-core.v1.msgpack`): binary both ways, as the gateway speaks
 * them. A text frame is still read as JSON.
 *
 * @example
 * import { msgpackCodec } from "@bot-core/realtime-client/msgpack";
 * const rt = createRealtimeClient({ url, getToken, codec: msgpackCodec });
 */
import { decode, encode } from "@msgpack/msgpack";
import { WS_SUBPROTOCOL_MSGPACK } from "@bot-core/core/constants";
import { jsonCodec, type FrameCodec } from "./codec";

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

export const msgpackCodec: FrameCodec = {
  subprotocol: WS_SUBPROTOCOL_MSGPACK,
  // encode() may return a view into a reused buffer: send a copy.
  encode: (frame) => encode(frame).slice(),
  decode(data) {
    if (typeof data === "string") return jsonCodec.decode(data);
    const bytes = bytesOf(data);
    if (!bytes) return undefined;
    try {
      return decode(bytes);
    } catch {
      return undefined;
    }
  },
};
