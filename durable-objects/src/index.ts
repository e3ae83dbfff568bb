export { UserAccount } from "./user-account";
export { SymbolHub } from "./symbol-hub";
export { Gateway } from "./gateway";
export { MarketFeed } from "./market-feed";
export { Telemetry } from "./telemetry";
export { BridgeContainer } from "./bridge-container";
