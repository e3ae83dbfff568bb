/**
 * Paths, weights and default base URLs of the two Binance markets the bridge trades: spot
 * (`/api/v3`) and USD-M futures (`/fapi`). Every base URL is configurable; these are defaults.
 */

export type BinanceMarket = "spot" | "usdm";
export type BinanceNetwork = "testnet" | "live";

export interface MarketEndpoints {
  readonly time: string;
  readonly exchangeInfo: string;
  readonly klines: string;
  readonly order: string;
  readonly openOrders: string;
  readonly balances: string;
  readonly listenKey: string;
  /** The account's trades of one order (reconciliation of fills the user data stream missed). */
  readonly myTrades: string;
  readonly weights: {
    readonly time: number;
    readonly exchangeInfo: number;
    readonly klines: number;
    readonly newOrder: number;
    readonly queryOrder: number;
    readonly cancelOrder: number;
    readonly openOrders: number;
    readonly openOrdersAll: number;
    readonly balances: number;
    readonly listenKey: number;
    readonly myTrades: number;
  };
}

export const ENDPOINTS: Record<BinanceMarket, MarketEndpoints> = {
  spot: {
    time: "/api/v3/time",
    exchangeInfo: "/api/v3/exchangeInfo",
    klines: "/api/v3/klines",
    order: "/api/v3/order",
    openOrders: "/api/v3/openOrders",
    balances: "/api/v3/account",
    // Deprecated by Binance for spot in favour of the WebSocket API subscription, still served.
    listenKey: "/api/v3/userDataStream",
    myTrades: "/api/v3/myTrades",
    // myTrades with orderId: weight 5 (20 without).
    weights: { time: 1, exchangeInfo: 20, klines: 2, newOrder: 1, queryOrder: 4, cancelOrder: 1, openOrders: 6, openOrdersAll: 80, balances: 20, listenKey: 2, myTrades: 5 },
  },
  usdm: {
    time: "/fapi/v1/time",
    exchangeInfo: "/fapi/v1/exchangeInfo",
    klines: "/fapi/v1/klines",
    order: "/fapi/v1/order",
    openOrders: "/fapi/v1/openOrders",
    balances: "/fapi/v2/balance",
    listenKey: "/fapi/v1/listenKey",
    myTrades: "/fapi/v1/userTrades",
    weights: { time: 1, exchangeInfo: 1, klines: 5, newOrder: 1, queryOrder: 1, cancelOrder: 1, openOrders: 1, openOrdersAll: 40, balances: 5, listenKey: 1, myTrades: 5 },
  },
};

export const DEFAULT_URLS: Record<BinanceMarket, Record<BinanceNetwork, { rest: string; ws: string }>> = {
  spot: {
    live: { rest: "https://api.binance.com", ws: "wss://stream.binance.com:9443" },
    testnet: { rest: "https://testnet.binance.vision", ws: "wss://stream.testnet.binance.vision" },
  },
  usdm: {
    live: { rest: "https://fapi.binance.com", ws: "wss://fstream.binance.com" },
    testnet: { rest: "https://testnet.binancefuture.com", ws: "wss://stream.binancefuture.com" },
  },
};
