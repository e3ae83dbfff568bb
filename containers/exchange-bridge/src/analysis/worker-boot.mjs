// Development and tests only: runs worker.ts through tsx (the production bundle has its own
// dist/analysis-worker.js). Worker threads do not inherit the parent's TypeScript loader.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
