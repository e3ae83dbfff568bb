/** `@bot-core/realtime-client`: the typed `/ws` client for the browser and Node 22. MessagePack: `./msgpack`. */
export * from "./client";
export * from "./codec";
export * from "./frames";
