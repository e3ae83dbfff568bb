import { describe, expect, it } from "vitest";
import { appendExposition, familiesOf } from "./merge-exposition";

const EDGE = [
  "# HELP http_requests_total Edge requests.",
  "# TYPE http_requests_total counter",
  'http_requests_total{method="GET",endpoint="/health",status="200",service="edge"} 4',
  "# HELP bot_core_bridge_up Whether the bridge answered.",
  "# TYPE bot_core_bridge_up gauge",
  "bot_core_bridge_up 1",
].join("\n");

describe("appendExposition", () => {
  it("appends the other service's families after the edge's", () => {
    const bridge = '# HELP ai_queue_depth Waiting.\n# TYPE ai_queue_depth gauge\nai_queue_depth{service="bridge"} 2\n';
    const { text, droppedFamilies, droppedLines } = appendExposition(EDGE, bridge);
    expect(text).toBe(`${EDGE}\n${bridge}`);
    expect(droppedFamilies).toEqual([]);
    expect(droppedLines).toBe(0);
  });

  it("drops a family the edge already has (HELP, TYPE and every sample, histogram suffixes too), keeps the rest", () => {
    const bridge = [
      "# HELP http_requests_total Bridge requests.",
      "# TYPE http_requests_total counter",
      'http_requests_total{service="bridge"} 9',
      "# HELP x_ms A histogram.",
      "# TYPE x_ms histogram",
      'x_ms_bucket{le="+Inf"} 1',
      "x_ms_sum 3",
      "x_ms_count 1",
      "bot_core_bridge_up 0",
    ].join("\n");
    const { text, droppedFamilies } = appendExposition(EDGE, bridge);
    expect(droppedFamilies).toEqual(["bot_core_bridge_up", "http_requests_total"]);
    expect(text.match(/# TYPE http_requests_total /g)).toHaveLength(1);
    expect(text).not.toContain("9\n");
    expect(text).toContain('x_ms_bucket{le="+Inf"} 1\nx_ms_sum 3\nx_ms_count 1\n');
    expect(text.match(/^bot_core_bridge_up /gm)).toHaveLength(1);
  });

  it("drops lines that are not exposition (an HTML error page), keeps escaped label values", () => {
    const bridge = '<html><body>502 Bad Gateway</body></html>\nok_total{path="a \\"b\\" \\\\ c"} 1\nbroken{ 1\nnan_gauge NaN\n';
    const { text, droppedLines } = appendExposition(EDGE, bridge);
    expect(droppedLines).toBe(2);
    expect(text.endsWith('ok_total{path="a \\"b\\" \\\\ c"} 1\nnan_gauge NaN\n')).toBe(true);
    expect(text).not.toContain("html");
  });

  it("familiesOf lists declared and sampled names", () => {
    expect([...familiesOf(EDGE)].sort()).toEqual(["bot_core_bridge_up", "http_requests_total"]);
  });
});
