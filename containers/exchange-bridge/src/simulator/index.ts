export { instrumentFor, SYMBOL_PROFILES, type Instrument, type SymbolProfile } from "./instruments";
export { INTERVAL_MS, KlineBuilder, type KlineSnapshot } from "./kline";
export { DEFAULT_PROCESS_PARAMS, PriceProcess, SUBTICKS, type PriceProcessParams } from "./price-process";
export { Random } from "./random";
export { MarketSimulator, type SimTrade, type SimulatorOptions } from "./simulator";
export { monotonicClock, SimulatorSource, type SimulatorSourceOptions } from "./source";
