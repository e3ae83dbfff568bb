/**
 * Appends another service's Prometheus text (the bridge's prom-client output) to the edge's so the
 * result stays one valid exposition: a family the edge already exposes is dropped from the
 * appended text (no duplicate HELP/TYPE or samples), and lines that are neither a comment nor a
 * well-formed sample (an HTML error page from a proxy, a truncated body) are dropped too.
 *
 * @example
 * const { text, droppedFamilies } = appendExposition(renderMetrics(series, ws), bridgeText);
 */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** name, optional {labels}, value, optional timestamp. Label values may hold escaped quotes. */
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Inf|NaN)(?: -?\d+)?$/;
const SUFFIXES = ["_bucket", "_sum", "_count", "_total", "_created", "_info"];

/** Family names declared (`# TYPE` / `# HELP`) or sampled in `text`. */
export function familiesOf(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const meta = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (meta) names.add(meta[1]!);
    else {
      const m = SAMPLE.exec(line);
      if (m) names.add(m[1]!);
    }
  }
  return names;
}

function belongsTo(sample: string, family: string): boolean {
  return sample === family || SUFFIXES.some((s) => sample === family + s);
}

export interface AppendResult {
  readonly text: string;
  /** Families of the appended text left out because the base text has them already. */
  readonly droppedFamilies: string[];
  /** Lines of the appended text that were not valid exposition lines. */
  readonly droppedLines: number;
}

export function appendExposition(base: string, extra: string): AppendResult {
  const taken = familiesOf(base);
  const dropped = new Set<string>();
  let droppedLines = 0;
  const out: string[] = [];
  let family: string | null = null;
  for (const line of extra.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const name = meta[2]!;
      if (!METRIC_NAME.test(name)) {
        droppedLines++;
        continue;
      }
      family = name;
      if (taken.has(name)) dropped.add(name);
      else out.push(line);
      continue;
    }
    if (line.startsWith("#")) continue; // other comments carry nothing
    const m = SAMPLE.exec(line);
    if (!m) {
      droppedLines++;
      continue;
    }
    const owner = family !== null && belongsTo(m[1]!, family) ? family : m[1]!;
    if (taken.has(owner) || [...taken].some((t) => belongsTo(m[1]!, t))) {
      dropped.add(owner);
      continue;
    }
    out.push(line);
  }
  const head = base.endsWith("\n") || base === "" ? base : `${base}\n`;
  return { text: head + (out.length ? `${out.join("\n")}\n` : ""), droppedFamilies: [...dropped].sort(), droppedLines };
}
