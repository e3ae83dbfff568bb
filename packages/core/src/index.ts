export * from "./decimal";
export * from "./decimal-schema";
export * from "./symbols";
export * from "./market";
export * from "./protocol";
export * from "./api";
