/**
 * A stand-in for the browser WebSocket, injected into the realtime client: the realtime client
 * package's fake (tests play the server with `serverOpen`, `serverSend`, `serverClose`).
 */
export { FakeSocket, fakeSocketFactory, signalUpdate, tickerUpdate } from "@bot-core/realtime-client/testing";
