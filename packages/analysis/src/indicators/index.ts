export { Adx, type AdxValue } from "./adx";
export { Atr, trueRange } from "./atr";
export { Bollinger, type BollingerValue } from "./bollinger";
export { Macd, type MacdValue } from "./macd";
export { Ema, RollingWindow, Sma, WilderAverage } from "./moving-average";
export { Rsi } from "./rsi";
export { Stochastic, type StochasticValue } from "./stochastic";
export { Obv, Vwap } from "./volume";
