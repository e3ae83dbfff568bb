/**
 * GitHub workflows cannot run here and actionlint is not in Debian's archive (apt-get: "Unable to
 * locate package actionlint"), so they are parsed as YAML and checked against the parts of the
 * workflow schema they use, plus what must hold for this project: Node 22, pinned actions,
 * scripts and files that exist, the triggers the issue asks for.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./repo";

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, unknown> }
interface Job { "runs-on"?: string; needs?: string | string[]; steps?: Step[]; "timeout-minutes"?: number; strategy?: { matrix?: Record<string, unknown[]> }; environment?: string; env?: Record<string, unknown> }
interface Workflow { name?: string; on?: Record<string, unknown>; jobs?: Record<string, Job>; permissions?: Record<string, string> }

const DIR = join(ROOT, ".github", "workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(files.map((f) => [f, parse(readFileSync(join(DIR, f), "utf8"), { strict: true, uniqueKeys: true }) as Workflow]));
const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);

const JOB_KEYS = new Set(["runs-on", "needs", "steps", "timeout-minutes", "strategy", "environment", "env", "if", "permissions", "concurrency", "outputs", "name", "services", "container", "defaults"]);
const STEP_KEYS = new Set(["name", "uses", "run", "with", "if", "env", "id", "shell", "working-directory", "continue-on-error", "timeout-minutes"]);
const EVENTS = new Set(["push", "pull_request", "schedule", "workflow_dispatch", "release", "workflow_call"]);

describe("GitHub workflows", () => {
  it("are test, perf and deploy", () => {
    expect(files.sort()).toEqual(["deploy.yml", "perf.yml", "test.yml"]);
  });

  for (const file of files) {
    describe(file, () => {
      const wf = workflows[file]!;
      it("has the shape of a workflow: name, known events, jobs with runs-on and steps", () => {
        expect(typeof wf.name).toBe("string");
        expect(Object.keys(wf.on ?? {}).length).toBeGreaterThan(0);
        for (const event of Object.keys(wf.on ?? {})) expect(EVENTS, event).toContain(event);
        expect(wf.permissions).toEqual({ contents: "read" });
        const jobs = Object.entries(wf.jobs ?? {});
        expect(jobs.length).toBeGreaterThan(0);
        for (const [id, job] of jobs) {
          expect(id).toMatch(/^[a-z][a-z0-9_-]*$/);
          for (const key of Object.keys(job)) expect(JOB_KEYS, `${id}.${key}`).toContain(key);
          expect(job["runs-on"], id).toMatch(/^ubuntu-/);
          expect(job["timeout-minutes"], id).toBeGreaterThan(0);
          for (const need of [job.needs ?? []].flat()) expect(Object.keys(wf.jobs ?? {}), `${id} needs ${need}`).toContain(need);
          expect(job.steps?.length, id).toBeGreaterThan(0);
          for (const step of job.steps ?? []) {
            for (const key of Object.keys(step)) expect(STEP_KEYS, `${id}: ${key}`).toContain(key);
            expect([step.uses, step.run].filter(Boolean), `${id}: a step has exactly one of uses/run`).toHaveLength(1);
            if (step.uses) expect(step.uses, "actions pinned to a major version").toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
            if (step.uses?.startsWith("actions/setup-node")) expect(String(step.with?.["node-version"])).toBe("22");
          }
        }
      });

      it("runs only npm scripts and files that exist", () => {
        const text = readFileSync(join(DIR, file), "utf8");
        for (const [, name] of text.matchAll(/npm run ([\w:-]+)/g)) expect(scripts, `npm run ${name}`).toContain(name);
        if (text.includes("bash .ci/run")) expect(existsSync(join(ROOT, ".ci", "run"))).toBe(true);
        const expressions = [...text.matchAll(/\$\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]!);
        for (const expr of expressions) expect(expr, "expression context").toMatch(/^(github|inputs|secrets|vars|matrix|env|steps|needs)\.|^inputs\.\w+ \|\| '[\w.]+'$/);
      });
    });
  }

  it("test: every push and pull request run `bash .ci/run` (= npm test) without secrets", () => {
    const wf = workflows["test.yml"]!;
    expect(Object.keys(wf.on ?? {}).sort()).toEqual(["pull_request", "push"]);
    const runs = Object.values(wf.jobs ?? {}).flatMap((j) => j.steps ?? []).map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(["bash .ci/run"]);
    expect(readFileSync(join(DIR, "test.yml"), "utf8")).not.toContain("secrets.");
  });

  it("perf: scheduled, runs k6 scripts that exist and Lighthouse CI, uploads both reports", () => {
    const wf = workflows["perf.yml"]!;
    const cron = (wf.on?.schedule as { cron: string }[])[0]!.cron;
    expect(cron.split(" ")).toHaveLength(5);
    const k6 = wf.jobs?.k6;
    for (const script of k6?.strategy?.matrix?.script ?? []) expect(existsSync(join(ROOT, "perf", "k6", `${String(script)}.ts`)), String(script)).toBe(true);
    expect(k6?.steps?.some((s) => s.run?.startsWith("k6 run"))).toBe(true);
    expect(wf.jobs?.lighthouse?.steps?.some((s) => s.run?.includes("npm run perf:lighthouse"))).toBe(true);
    for (const job of ["k6", "lighthouse"]) expect(wf.jobs?.[job]?.steps?.some((s) => s.uses?.startsWith("actions/upload-artifact") && s.if === "always()"), job).toBe(true);
    expect(existsSync(join(ROOT, ".lighthouserc.json"))).toBe(true);
  });

  it("deploy: tags v* deploy production through `npm run deploy` after the tests pass", () => {
    const wf = workflows["deploy.yml"]!;
    expect((wf.on?.push as { tags: string[] }).tags).toEqual(["v*"]);
    expect(wf.jobs?.deploy?.needs).toBe("test");
    expect(wf.jobs?.deploy?.steps?.at(-1)?.run).toBe("npm run deploy -- --env ${{ inputs.environment || 'production' }}");
    expect(Object.keys(wf.jobs?.deploy?.env ?? {}).sort()).toEqual(["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN"]);
  });
});
