/**
 * A new user follows README.md and docs/deploy.md: every command in them (shell blocks and inline
 * `npm …`/`npx …`/`wrangler …`/`git …` spans) must be an npm script, a standard npm/git command,
 * a binary in node_modules/.bin, or a wrangler command that wrangler itself knows (checked
 * offline with `wrangler <command> --help`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./repo";

const DOCS = ["README.md", "docs/deploy.md"];
const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const NPM_BUILTINS = new Set(["install", "ci", "test", "start", "run", "exec"]);
const GIT_COMMANDS = new Set(["clone", "pull", "fetch", "tag", "push", "checkout", "switch", "log", "status", "revert"]);
const OTHER_TOOLS = new Set(["openssl"]);
const WRANGLER_JS = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** Commands of a markdown file: lines of sh blocks, and inline code spans that start with a tool. */
export function commandsIn(markdown: string): string[] {
  const out: string[] = [];
  for (const [, body] of markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    for (const line of body!.split("\n")) out.push(line);
  }
  const withoutBlocks = markdown.replace(/```[\s\S]*?```/g, "");
  for (const [, span] of withoutBlocks.matchAll(/`((?:npm|npx|wrangler|git) [^`]+)`/g)) out.push(span!);
  return out
    .flatMap((line) => line.replace(/\s#.*$/, "").split("|"))
    .map((c) => c.trim())
    .filter((c) => c !== "" && !c.startsWith("#"));
}

/** Why `command` is not runnable as documented, or null. */
function problemOf(command: string): string | null {
  const words = command.split(/\s+/);
  const [tool, ...rest] = words;
  if (tool === "npm") {
    const sub = rest[0] ?? "";
    if (!NPM_BUILTINS.has(sub)) return `npm ${sub} is not a standard npm command`;
    if (sub === "run") {
      const name = rest.find((w, i) => i > 0 && !w.startsWith("-"));
      return name && scripts[name] ? null : `npm run ${name}: no such script in package.json`;
    }
    if ((sub === "test" || sub === "start") && !scripts[sub]) return `npm ${sub}: no script`;
    return null;
  }
  if (tool === "npx" && rest[0] !== "wrangler") return existsSync(join(ROOT, "node_modules", ".bin", rest[0] ?? "")) ? null : `npx ${rest[0]}: not installed`;
  if (tool === "npx" || tool === "wrangler") return wranglerProblem(tool === "npx" ? rest.slice(1) : rest);
  if (tool === "git") return GIT_COMMANDS.has(rest[0] ?? "") ? null : `git ${rest[0]} is not in the standard list`;
  if (OTHER_TOOLS.has(tool ?? "")) return null;
  return `${tool}: unknown tool`;
}

function wranglerProblem(args: string[]): string | null {
  const words = args.map((w) => w.replace(/^<.*>$/, "x"));
  const r = spawnSync(process.execPath, [WRANGLER_JS, ...words, "--help"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const text = `${r.stdout}${r.stderr}`;
  if (r.status !== 0 || /Unknown argument|Unknown command/i.test(text)) return `wrangler ${args.join(" ")}: ${text.split("\n").find((l) => /unknown|error/i.test(l)) ?? `exit ${r.status}`}`;
  // The help's first line is the command wrangler matched, e.g. "wrangler d1 migrations list <database>".
  const header = text.split("\n").find((l) => l.startsWith("wrangler")) ?? "";
  const path = header.split(/\s+/).slice(1).filter((w) => /^[a-z][\w-]*$/.test(w));
  const takesPositionals = /[<[]/.test(header);
  const positionals = args.filter((w) => !w.startsWith("-"));
  for (let i = 0; i < path.length; i++) if (positionals[i] !== path[i]) return `wrangler ${args.join(" ")}: matched "${header}"`;
  if (!takesPositionals && positionals.length > path.length && !args.some((w) => w.startsWith("--"))) return `wrangler ${args.join(" ")}: "${positionals[path.length]}" is not a subcommand of "${header}"`;
  if (!takesPositionals && positionals.length > path.length) {
    // Words after flags are flag values (--env staging); a bare word right after the path is a typo'd subcommand.
    const next = args[args.indexOf(positionals[path.length - 1] ?? "") + 1];
    if (next !== undefined && !next.startsWith("-")) return `wrangler ${args.join(" ")}: "${next}" is not a subcommand of "${header}"`;
  }
  return null;
}

describe("every command in the user-facing docs exists", () => {
  for (const doc of DOCS) {
    it(`${doc}`, () => {
      const commands = [...new Set(commandsIn(readFileSync(join(ROOT, doc), "utf8")))];
      expect(commands.length).toBeGreaterThan(0);
      const problems = commands.map(problemOf).filter((p): p is string => p !== null);
      expect(problems).toEqual([]);
    });
  }

  it("docs/deploy.md covers the first deploy, new versions, DO migrations, rollback and secret rotation, and names every secret", async () => {
    const text = readFileSync(join(ROOT, "docs", "deploy.md"), "utf8");
    for (const heading of ["## First deploy", "## Rolling out a new version", "## Durable Object migrations", "## Rollback", "## Rotating secrets"]) expect(text).toContain(heading);
    const { SECRET_NAMES } = await import("./secrets.mjs");
    for (const name of SECRET_NAMES) expect(text).toContain(`wrangler secret put ${name} --env`);
  });

  it("the checker catches what a new user would trip on", () => {
    expect(problemOf("npm run deploy -- --env staging")).toBeNull();
    expect(problemOf("npm run ship")).toMatch(/no such script/);
    expect(problemOf("npx wrangler d1 migrations apply DB --remote --env staging")).toBeNull();
    expect(problemOf("npx wrangler d1 migrate DB --remote")).toMatch(/not a subcommand|unknown/i);
    expect(problemOf("npx wrangler publish --env staging")).toMatch(/unknown|matched|exit/i);
    expect(problemOf("curl https://example.com")).toMatch(/unknown tool/);
  });
});
