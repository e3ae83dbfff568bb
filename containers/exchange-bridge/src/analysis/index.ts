export { explainerFromEnv, type Explainer } from "./explain";
export { KlineFeed } from "./kline-feed";
export { defaultModelPath, loadOnnxPredictor } from "./model";
export { packCandles, runPipeline, type Predictor } from "./pipeline";
export { AnalysisFailedError, AnalysisTimeoutError, OverloadedError, WorkerPool, type PoolOptions } from "./pool";
export { analysisRoutes } from "./routes";
export { AnalysisService, NotEnoughKlinesError, UnknownSymbolError } from "./service";
