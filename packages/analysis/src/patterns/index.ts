export * from "./candlesticks";
export * from "./levels";
export * from "./trend";
