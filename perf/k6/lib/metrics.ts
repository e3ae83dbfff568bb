/**
 * Domain metrics. Created in the init context (k6 allows it nowhere else); names follow the spec
 * where it gives them (order_placement, risk_calculation, market_data, portfolio_update).
 * Time trends are in milliseconds.
 */
import { Counter, Gauge, Rate, Trend } from "k6/metrics";

// --- Trading ----------------------------------------------------------------------------------

/** Client-side duration of accepted orders (201), risk check excluded. Spec: p99 < 10 ms. */
export const orderPlacementDuration = new Trend("order_placement_duration", true);
/** Orders the edge did not accept (any status but 201, including timeouts). */
export const ordersRejected = new Rate("orders_rejected");
/** Orders accepted. */
export const ordersPlaced = new Counter("orders_placed");
/** Risk check -> order accepted, as the trader waits for it. */
export const orderFlowDuration = new Trend("order_flow_duration", true);

/** Duration of successful risk calculations (200). Spec: p95 < 50 ms. */
export const riskCalculationDuration = new Trend("risk_calculation_duration", true);

/** Age of the latest ticker when served (`ageMs`: now - exchange event time, on the edge). */
export const marketDataFreshness = new Trend("market_data_freshness", true);

/**
 * The edge's own time per request, from `Server-Timing: app;dur=…`, tagged by request name: what
 * is left of http_req_duration once the network between k6 and the edge is taken out.
 */
export const edgeProcessingDuration = new Trend("edge_processing_duration", true);

// --- Sessions ---------------------------------------------------------------------------------

/** VU-side access-token renewals (refresh or sign-in) that failed; the VU keeps its old token. */
export const authRenewalFailed = new Rate("auth_renewal_failed");

// --- WebSocket market data --------------------------------------------------------------------

/** Arrival time - bridgeTime, per market update: ingestion plus fan-out. Spec: p95 < 100 ms. */
export const wsMessageLatency = new Trend("ws_message_latency", true);
/** Market updates received (one `md` frame carries several). */
export const wsMarketUpdates = new Counter("ws_market_updates");
/** Socket open -> `subscribed` acknowledgement. */
export const wsSubscribeDuration = new Trend("ws_subscribe_duration", true);
/** Sessions that never got their subscription acknowledged. */
export const wsSubscribeFailed = new Rate("ws_subscribe_failed");
/** `{"type":"error"}` frames from the edge, tagged by code. */
export const wsErrorFrames = new Counter("ws_error_frames");
/** Updates whose bridgeTime lies in k6's future: the two clocks disagree; latency is then unreliable. */
export const wsClockSkewed = new Counter("ws_clock_skewed");

// --- Soak / edge health -----------------------------------------------------------------------

/** Per-component latency reported by GET /api/health (d1, kv, durableObject, bridge). */
export const edgeComponentLatency = new Trend("edge_component_latency", true);

// --- Breaking point ---------------------------------------------------------------------------

/** The arrival rate the breaking-point scenario was asking for, last value = where it stopped. */
export const targetArrivalRate = new Gauge("target_arrival_rate");
