import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { ApiCredentials } from "./credentials";

const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

describe("ApiCredentials", () => {
  it("signs with the secret (Binance's documented example) without exposing it", () => {
    const c = new ApiCredentials(KEY, SECRET);
    expect(c.hmacSha256Hex("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559")).toBe(
      "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71",
    );
    for (const shown of [JSON.stringify(c), String(c), inspect(c), inspect({ nested: c }), JSON.stringify({ c })]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain(KEY);
    }
    expect(Object.keys(c)).toEqual(["apiKey"]);
  });

  it("never reaches a log line, even when logged directly", () => {
    const lines: string[] = [];
    const c = new ApiCredentials(KEY, SECRET);
    const log = createLogger({ write: (l) => lines.push(l), redact: c.redactions() });
    log.info("placing order", { credentials: c, echoed: `key=${KEY}` });
    expect(lines.join("\n")).not.toContain(SECRET);
    expect(lines.join("\n")).not.toContain(KEY);
  });

  it("rejects empty or non-printable keys", () => {
    expect(() => new ApiCredentials("", SECRET)).toThrow();
    expect(() => new ApiCredentials(KEY, "short")).toThrow();
    expect(() => new ApiCredentials(KEY, "has space in it")).toThrow();
  });
});
