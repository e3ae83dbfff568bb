/**
 * How frames go over the wire. JSON text is the default; MessagePack (binary frames both ways,
 * subprotocol `bot-core.v1.msgpack`) lives in `./msgpack` so a JSON-only client (the dashboard)
 * does not bundle the MessagePack library.
 */
import type { ClientFrame } from "@bot-core/core";
import { WS_SUBPROTOCOL } from "@bot-core/core/constants";

export interface FrameCodec {
  /** Offered first in `Sec-WebSocket-Protocol`. */
  readonly subprotocol: string;
  encode(frame: ClientFrame): string | Uint8Array;
  /** The decoded frame, or undefined when the data cannot be read. */
  decode(data: unknown): unknown;
}

export const jsonCodec: FrameCodec = {
  subprotocol: WS_SUBPROTOCOL,
  encode: (frame) => JSON.stringify(frame),
  decode(data) {
    if (typeof data !== "string") return undefined;
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return undefined;
    }
  },
};
