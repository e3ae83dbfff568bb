/**
 * Frames of the bridge <-> edge socket: encoding what the bridge sends, validating what it gets.
 *
 * Batch frames are split by update count (MAX_BRIDGE_BATCH) and by size, because a Worker
 * closes a WebSocket whose incoming message is over 1 MiB (code 1009). Each update is stamped
 * with `bridgeTime` = the frame's `sentAt`; the input objects are not modified.
 */
import { MAX_BRIDGE_BATCH, MAX_BRIDGE_FRAME_BYTES, type BridgeFrame, type MarketUpdate } from "@bot-core/core";
import { z } from "zod";

/** Default size cap of one frame, in bytes: safely under the Workers 1 MiB message limit. */
export const DEFAULT_MAX_FRAME_BYTES = MAX_BRIDGE_FRAME_BYTES;

export interface EncodedFrame {
  readonly seq: number;
  /** The JSON text to send. */
  readonly text: string;
  /** Updates in the frame. */
  readonly count: number;
}

export interface BatchEncoding {
  readonly firstSeq: number;
  readonly sentAt: number;
  readonly maxUpdates?: number;
  readonly maxBytes?: number;
}

/**
 * Encodes updates as one or more batch frames with consecutive `seq` numbers.
 * Every update ends up in exactly one frame, in order. Lengths are counted in UTF-16 units,
 * which equal bytes here: every field of a validated update is ASCII.
 */
export function encodeBatchFrames(updates: readonly MarketUpdate[], encoding: BatchEncoding): EncodedFrame[] {
  const maxUpdates = Math.min(encoding.maxUpdates ?? MAX_BRIDGE_BATCH, MAX_BRIDGE_BATCH);
  const maxBytes = encoding.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const { sentAt } = encoding;
  const frames: EncodedFrame[] = [];
  let seq = encoding.firstSeq;
  let parts: string[] = [];
  let head = header(seq, sentAt);
  let bytes = head.length + FOOTER.length;

  const finish = () => {
    frames.push({ seq, text: `${head}${parts.join(",")}${FOOTER}`, count: parts.length });
    seq++;
    parts = [];
    head = header(seq, sentAt);
    bytes = head.length + FOOTER.length;
  };

  for (const update of updates) {
    const part = JSON.stringify({ ...update, bridgeTime: sentAt });
    const added = part.length + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && (parts.length >= maxUpdates || bytes + added > maxBytes)) finish();
    bytes += part.length + (parts.length > 0 ? 1 : 0);
    parts.push(part);
  }
  if (parts.length > 0) finish();
  return frames;
}

const FOOTER = "]}";

function header(seq: number, sentAt: number): string {
  return `{"type":"batch","seq":${seq},"sentAt":${sentAt},"updates":[`;
}

export type HelloFrame = Extract<BridgeFrame, { type: "hello" }>;

/** Frames the edge sends to the bridge. Lenient on extra fields and on new error codes. */
export const EdgeFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("welcome"), serverTime: z.number().optional() }),
  z.object({ type: z.literal("error"), code: z.string().max(64), message: z.string().max(2_000).optional() }),
]);
export type EdgeFrame = z.infer<typeof EdgeFrame>;

export type ParsedEdgeFrame = { ok: true; frame: EdgeFrame } | { ok: false; reason: string };

/** Parses and validates one text frame from the edge; never throws. */
export function parseEdgeFrame(text: string): ParsedEdgeFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  const parsed = EdgeFrame.safeParse(json);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? "invalid frame" };
  return { ok: true, frame: parsed.data };
}
