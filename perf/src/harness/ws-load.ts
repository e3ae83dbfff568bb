/**
 * WebSocket load: S sockets connect (all at once, connect time recorded), subscribe to their
 * channels, and for the measured window record, for every market update received, the
 * end-to-end latency from `bridgeTime` (stamped where the update left its producer, on this same
 * machine and clock) to arrival, plus updates and frames per second.
 */
import WebSocket from "ws";
import { latencyRecorder, type LatencyRecorder } from "./histogram";

export interface WsLoadOptions {
  url: string;
  /** Subprotocols for socket i (e.g. the token). */
  protocolsFor: (i: number) => string[];
  channelsFor: (i: number) => string[];
  sockets: number;
  warmupSec: number;
  durationSec: number;
  /** Sampled once a second while measuring (e.g. the server's RSS in MB); the peak is reported. */
  sampleMemory?: () => number;
}

export interface WsLoadResult {
  connect: LatencyRecorder;
  latency: LatencyRecorder;
  connected: number;
  failed: number;
  errorFrames: number;
  updates: number;
  frames: number;
  updatesPerSec: number;
  timeline: Array<{ t: number; rate: number; p99?: number }>;
  peakRssMb?: number;
}

const MD_PREFIX = /^\{"type":"md","n":(\d+)/;

/** The `bridgeTime` of every update in a serialized md frame, in order (no full JSON parse). */
export function bridgeTimesOf(frame: string): number[] {
  const out: number[] = [];
  const key = '"bridgeTime":';
  let i = frame.indexOf(key);
  while (i !== -1) {
    let j = i + key.length;
    let n = 0;
    let digits = 0;
    for (; j < frame.length; j++) {
      const c = frame.charCodeAt(j) - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
      digits++;
    }
    if (digits > 0) out.push(n);
    i = frame.indexOf(key, j);
  }
  return out;
}

export async function wsLoad(o: WsLoadOptions): Promise<WsLoadResult> {
  const connect = latencyRecorder();
  const latency = latencyRecorder();
  const perSecond: number[] = [];
  const perSecondLatency: LatencyRecorder[] = [];
  let measuring = false;
  let measureStart = 0;
  let updates = 0;
  let frames = 0;
  let errorFrames = 0;
  let failed = 0;
  const sockets: WebSocket[] = [];

  const opened = await Promise.all(
    Array.from({ length: o.sockets }, (_, i) =>
      new Promise<boolean>((resolve) => {
        const t0 = performance.now();
        const ws = new WebSocket(o.url, o.protocolsFor(i), { perMessageDeflate: false, handshakeTimeout: 30_000 });
        sockets.push(ws);
        ws.on("open", () => {
          connect.record(performance.now() - t0);
          ws.send(JSON.stringify({ type: "subscribe", channels: o.channelsFor(i) }));
          resolve(true);
        });
        ws.on("error", () => resolve(false));
        let acked = 0;
        ws.on("message", (data) => {
          // Flow control, as the protocol asks of every client: acknowledge market-data frames
          // (every 100) so the gateway does not treat this socket as a slow consumer.
          const text = data.toString();
          const n = MD_PREFIX.exec(text)?.[1];
          if (n !== undefined && Number(n) - acked >= 100) {
            acked = Number(n);
            ws.send(`{"type":"ack","md":${acked}}`);
          }
          if (!measuring) return;
          const now = Date.now();
          if (!text.startsWith('{"type":"md"')) {
            // Rare frames (subscribed, warning, error): parse them properly.
            try {
              if ((JSON.parse(text) as { type?: string }).type === "error") errorFrames++;
            } catch {
              errorFrames++;
            }
            return;
          }
          // Market data: only each update's bridgeTime is needed. Scanning for it instead of
          // JSON.parse keeps the load generator from being the bottleneck (it parses 10^5-10^6
          // updates/s on the same 2 cores as the system under test); tests pin it to JSON.parse.
          frames++;
          const second = Math.floor((now - measureStart) / 1000);
          const bucket = (perSecondLatency[second] ??= latencyRecorder());
          let count = 0;
          for (const bridgeTime of bridgeTimesOf(text)) {
            const ms = Math.max(0, now - bridgeTime);
            latency.record(ms);
            bucket.record(ms);
            count++;
          }
          updates += count;
          perSecond[second] = (perSecond[second] ?? 0) + count;
        });
      }),
    ),
  );
  failed = opened.filter((ok) => !ok).length;

  await new Promise((r) => setTimeout(r, o.warmupSec * 1000));
  measureStart = Date.now();
  measuring = true;
  let peakRssMb: number | undefined;
  const sampler = o.sampleMemory
    ? setInterval(() => {
        peakRssMb = Math.max(peakRssMb ?? 0, o.sampleMemory!());
      }, 1000)
    : undefined;
  await new Promise((r) => setTimeout(r, o.durationSec * 1000));
  measuring = false;
  if (sampler) clearInterval(sampler);
  for (const ws of sockets) ws.terminate();

  const timeline = Array.from({ length: o.durationSec }, (_, t) => ({
    t,
    rate: perSecond[t] ?? 0,
    ...(perSecondLatency[t] ? { p99: perSecondLatency[t]!.summary().p99 } : {}),
  }));
  return {
    connect,
    latency,
    connected: o.sockets - failed,
    failed,
    errorFrames,
    updates,
    frames,
    updatesPerSec: updates / o.durationSec,
    timeline,
    ...(peakRssMb !== undefined ? { peakRssMb } : {}),
  };
}
