import { describe, expect, it } from "vitest";
import { createLogger } from "./log";

function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ now: () => Date.UTC(2024, 4, 1, 12), ...options, write: (l) => lines.push(l) });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes one JSON object per line with time, level and msg first", () => {
    const { logger, lines } = capture();
    logger.info("edge link connected", { url: "ws://127.0.0.1:8787/bridge/ws" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(["time", "level", "msg", "url"]);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: "2024-05-01T12:00:00.000Z",
      level: "info",
      msg: "edge link connected",
      url: "ws://127.0.0.1:8787/bridge/ws",
    });
  });

  it("skips lines below the level", () => {
    const { logger, records } = capture({ level: "warn" });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(records().map((r) => r.level)).toEqual(["warn", "error"]);
  });

  it("does not let fields overwrite time, level or msg", () => {
    const { logger, records } = capture();
    logger.info("real", { msg: "fake", level: "error", time: "never" });
    expect(records()[0]).toMatchObject({ msg: "real", level: "info", time: "2024-05-01T12:00:00.000Z" });
  });

  it("adds child fields to every line", () => {
    const { logger, records } = capture({ base: { service: "bridge" } });
    logger.child({ component: "edge-link" }).warn("x", { attempt: 2 });
    expect(records()[0]).toMatchObject({ service: "bridge", component: "edge-link", attempt: 2 });
  });

  it("serializes errors with name, message and code", () => {
    const { logger, records } = capture();
    const err = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    logger.error("failed", { err, big: 10n });
    const rec = records()[0]!;
    expect(rec.err).toMatchObject({ name: "Error", message: "connect ECONNREFUSED", code: "ECONNREFUSED" });
    expect(rec.big).toBe("10");
  });

  it("redacts secrets wherever they appear, raw or JSON-escaped", () => {
    const token = 'tok"en-0123456789abcdef';
    const { logger, lines } = capture({ redact: [token] });
    logger.info(`header Bearer ${token}`, { nested: { auth: token }, err: new Error(`bad ${token}`) });
    expect(lines[0]).not.toContain("0123456789abcdef");
    expect(lines[0]).toContain("[REDACTED]");
    expect(() => JSON.parse(lines[0]!)).not.toThrow();
  });

  it("keeps the line when fields cannot be serialized", () => {
    const { logger, records } = capture();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.warn("still here", { circular });
    expect(records()[0]).toMatchObject({ msg: "still here", logError: "unserializable fields" });
  });

  it("survives a throwing writer", () => {
    const logger = createLogger({
      write: () => {
        throw new Error("EPIPE");
      },
    });
    expect(() => logger.error("x")).not.toThrow();
  });
});
