import { describe, expect, it } from "vitest";
import { encodeParams, signedQuery, signPayload, verifySignature } from "./signing";

// The worked example of Binance's spot REST documentation ("SIGNED Endpoint Examples for
// POST /api/v3/order", HMAC keys): published secret, payload and signature.
const DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const DOC_QUERY = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

describe("Binance signing", () => {
  it("reproduces the documented signature of the documented request", () => {
    expect(signPayload(DOC_SECRET, DOC_QUERY)).toBe(DOC_SIGNATURE);
  });

  it("builds the documented payload from parameters, in order, and signs exactly that", () => {
    const query = signedQuery(DOC_SECRET, { symbol: "LTCBTC", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "0.1" }, 1499827319559, 5000);
    expect(query).toBe(`${DOC_QUERY}&signature=${DOC_SIGNATURE}`);
  });

  it("signs the documented non-ASCII example over the percent-encoded form", () => {
    // Second example of the same section: symbol "１２３４５６" (full-width digits).
    const query = encodeParams({ symbol: "１２３４５６", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "0.1", recvWindow: 5000, timestamp: 1499827319559 });
    expect(query.startsWith("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&")).toBe(true);
    expect(signPayload(DOC_SECRET, query)).toBe("e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3");
  });

  it("verifies case-insensitively and rejects any change to the payload", () => {
    expect(verifySignature(DOC_SECRET, DOC_QUERY, DOC_SIGNATURE.toUpperCase())).toBe(true);
    expect(verifySignature(DOC_SECRET, DOC_QUERY.replace("price=0.1", "price=0.2"), DOC_SIGNATURE)).toBe(false);
    expect(verifySignature(DOC_SECRET, DOC_QUERY, DOC_SIGNATURE.slice(0, 63))).toBe(false);
  });

  it("leaves undefined parameters out", () => {
    expect(encodeParams({ a: "1", b: undefined, c: 2 })).toBe("a=1&c=2");
  });
});
