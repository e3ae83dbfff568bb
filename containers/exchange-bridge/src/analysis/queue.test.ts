import { describe, expect, it } from "vitest";
import { PriorityQueue } from "./queue";

describe("PriorityQueue", () => {
  it("serves user before batch before background, FIFO within a priority", () => {
    const q = new PriorityQueue<string>(10);
    q.push("bg1", "background");
    q.push("b1", "batch");
    q.push("u1", "user");
    q.push("b2", "batch");
    q.push("u2", "user");
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift(), q.shift()]).toEqual(["u1", "u2", "b1", "b2", "bg1", undefined]);
    expect(q.size).toBe(0);
  });

  it("refuses items beyond its capacity, whatever their priority", () => {
    const q = new PriorityQueue<number>(3);
    expect([q.push(1, "background"), q.push(2, "background"), q.push(3, "batch")]).toEqual([true, true, true]);
    expect(q.full).toBe(true);
    expect(q.push(4, "user")).toBe(false);
    q.shift();
    expect(q.push(4, "user")).toBe(true);
    expect(q.shift()).toBe(4);
  });

  it("removes a waiter that gave up, and stays correct over many pushes and shifts", () => {
    const q = new PriorityQueue<number>(1000);
    for (let i = 0; i < 500; i++) q.push(i, "batch");
    expect(q.remove(250)).toBe(true);
    expect(q.remove(250)).toBe(false);
    const out: number[] = [];
    for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
    expect(out.length).toBe(499);
    expect(out.includes(250)).toBe(false);
    expect(out.slice(0, 3)).toEqual([0, 1, 2]);
    expect(out.at(-1)).toBe(499);
  });
});
