import { describe, expect, it } from "vitest";
import { Random } from "./random";

function draws(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.uniform());
}

describe("Random", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    expect(draws(Random.fromSeed(42), 20)).toEqual(draws(Random.fromSeed(42), 20));
    expect(draws(Random.fromSeed(42), 20)).not.toEqual(draws(Random.fromSeed(43), 20));
  });

  it("accepts the whole unsigned 32-bit range and rejects anything else", () => {
    expect(() => Random.fromSeed(0xffff_ffff)).not.toThrow();
    expect(() => Random.fromSeed(-1)).toThrow(RangeError);
    expect(() => Random.fromSeed(2 ** 32)).toThrow(RangeError);
    expect(() => Random.fromSeed(1.5)).toThrow(RangeError);
  });

  it("splits into streams that differ from each other and from the parent", () => {
    const root = Random.fromSeed(7);
    const a = root.split();
    const b = root.split();
    const [da, db, dr] = [draws(a, 10), draws(b, 10), draws(root, 10)];
    expect(da).not.toEqual(db);
    expect(da).not.toEqual(dr);
    // A split stream does not depend on how much its sibling was used.
    const root2 = Random.fromSeed(7);
    const a2 = root2.split();
    draws(a2, 1000);
    expect(draws(root2.split(), 10)).toEqual(db);
  });

  it("draws uniform values in [0, 1) and integers in the closed range", () => {
    const r = Random.fromSeed(1);
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const k = r.int(3, 5);
      expect([3, 4, 5]).toContain(k);
    }
  });

  it("draws standard normals (mean ~0, variance ~1, symmetric tails)", () => {
    const r = Random.fromSeed(2);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sumSq += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sumSq / n - mean * mean).toBeGreaterThan(0.97);
    expect(sumSq / n - mean * mean).toBeLessThan(1.03);
    // P(|Z| > 2) = 4.55 %
    expect(beyond2 / n).toBeGreaterThan(0.042);
    expect(beyond2 / n).toBeLessThan(0.049);
  });

  it("draws exponentials with mean 1", () => {
    const r = Random.fromSeed(3);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += r.exponential();
    expect(sum / 50_000).toBeGreaterThan(0.97);
    expect(sum / 50_000).toBeLessThan(1.03);
  });
});
