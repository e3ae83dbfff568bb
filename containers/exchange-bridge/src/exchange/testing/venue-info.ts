/**
 * Test helper: a spot exchangeInfo payload whose BTCUSDT filters differ from core's static table
 * (core: tickSize 0.01, stepSize 0.00001, minNotional 5), so a test can tell which rules an order
 * was checked against.
 */
import spotExchangeInfo from "../../binance/fixtures/spot-exchange-info.json";

export const VENUE_BTCUSDT = { tickSize: "0.5", stepSize: "0.001", minQty: "0.002", maxQty: "50", minNotional: "20" } as const;

export function exchangeInfoWithVenueRules(): unknown {
  const bnb = spotExchangeInfo.symbols.find((s) => s.symbol === "BNBUSDT")!;
  const btc = {
    ...bnb,
    symbol: "BTCUSDT",
    baseAsset: "BTC",
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "0.50000000", maxPrice: "1000000.00000000", tickSize: "0.50000000" },
      { filterType: "LOT_SIZE", minQty: "0.00200000", maxQty: "50.00000000", stepSize: "0.00100000" },
      { filterType: "NOTIONAL", minNotional: "20.00000000", applyMinToMarket: true, maxNotional: "9000000.00000000", applyMaxToMarket: false, avgPriceMins: 5 },
    ],
  };
  return { ...spotExchangeInfo, symbols: [...spotExchangeInfo.symbols, btc] };
}
