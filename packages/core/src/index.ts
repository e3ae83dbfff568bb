export * from "./decimal";
export * from "./symbols";
export * from "./market";
export * from "./protocol";
export * from "./api";
