/**
 * The symbol list and order enums the dashboard shows, as plain constants.
 *
 * They mirror `@bot-core/core` (symbols.ts, orders.ts), whose modules build zod schemas at load
 * time: importing them would put zod into the browser bundle (~24 KB gzip) and zod's eval probe
 * (`new Function`) breaks the strict CSP (a logged violation). instruments.test.ts fails the
 * moment these drift from core.
 */
import type { PlaceableOrderType, TimeInForce } from "@bot-core/core";

export const SYMBOL_NAMES: readonly string[] = [
  "BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "AVAXUSDT", "DOTUSDT", "LINKUSDT",
  "LTCUSDT", "TRXUSDT", "MATICUSDT", "ATOMUSDT", "UNIUSDT", "NEARUSDT", "APTUSDT", "ARBUSDT", "OPUSDT", "FILUSDT",
];

export const ORDER_TYPES: readonly PlaceableOrderType[] = ["market", "limit", "stop_market", "stop_limit"];
export const TIME_IN_FORCE: readonly TimeInForce[] = ["GTC", "IOC", "FOK"];
