export * from "./candle";
export * from "./indicators";
export * from "./indicator-set";
export * from "./patterns";
