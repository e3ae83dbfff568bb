/**
 * The order-placement load: POST /api/orders, 0.001 BTCUSDT market orders from many users in
 * turn, each user alternating buy and sell so positions stay small and no order is refused for
 * margin. Shared by the order-placement and telemetry-overhead scenarios and `perf:profile`.
 * And the account-call floor next to it: a signed-in read with the same number of account calls.
 */
import type { HttpLoadOptions } from "./http-load";

export function marketOrderLoad(origin: string, tokens: string[]): Omit<HttpLoadOptions, "connections" | "durationSec"> {
  let n = 0;
  const sides = tokens.map(() => "buy");
  return {
    url: `${origin}/api/orders`,
    method: "POST",
    headers: { "content-type": "application/json" },
    request: () => {
      const user = n++ % tokens.length;
      const side = sides[user] === "buy" ? "sell" : "buy";
      sides[user] = side;
      return {
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[user]!}` },
        body: JSON.stringify({ symbol: "BTCUSDT", side, type: "market", quantity: "0.001" }),
      };
    },
    expectStatus: (s) => s === 201,
  };
}

/** GET `url` signed in as the users in turn (e.g. /api/trading/settings: two UserAccount calls, admission and read, no trading logic). */
export function signedInGetLoad(url: string, tokens: string[]): Omit<HttpLoadOptions, "connections" | "durationSec"> {
  let n = 0;
  return { url, request: () => ({ headers: { authorization: `Bearer ${tokens[n++ % tokens.length]!}` } }) };
}
