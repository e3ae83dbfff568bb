/** Unmounts what each test rendered (vitest runs without globals, so no automatic cleanup). */
import { cleanup } from "@solidjs/testing-library";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  localStorage.clear();
});
