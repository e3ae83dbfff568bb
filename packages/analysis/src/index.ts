export * from "./candle";
export * from "./indicators";
export * from "./indicator-set";
export * from "./patterns";
export * from "./features";
export * from "./market-state";
export * from "./mlp";
export * from "./signal";
