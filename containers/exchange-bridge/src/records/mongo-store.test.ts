/**
 * What can be checked of the MongoDB store without a server (none can be installed here; the
 * contract suite runs against a real one when MONGODB_URI is set): URI parsing, and that a
 * server that does not answer fails the start quickly and clearly (a real closed port on
 * 127.0.0.1, no fake server).
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { databaseOf, MongoRecordStore } from "./mongo-store";

describe("databaseOf", () => {
  it.each([
    ["mongodb://127.0.0.1:27017/records", "records"],
    ["mongodb://u:p%40w@db1:27017,db2:27017/bot_core?replicaSet=rs0", "bot_core"],
    ["mongodb+srv://cluster0.example.net/my%20db?retryWrites=true", "my db"],
    ["mongodb://127.0.0.1:27017/", undefined],
    ["mongodb://127.0.0.1:27017", undefined],
    ["mongodb://127.0.0.1:27017/?authSource=admin", undefined],
  ])("%s -> %s", (uri, db) => {
    expect(databaseOf(uri)).toBe(db);
  });
});

describe("MongoRecordStore.connect", () => {
  it("rejects with a server-selection error when nothing answers, without the password in the message", async () => {
    // A port that was just free: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const started = Date.now();
    const err = await MongoRecordStore.connect({ uri: `mongodb://bridge:s3cret-pw-xyz@127.0.0.1:${port}/records`, poolSize: 2, serverSelectionTimeoutMS: 300 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe("MongoServerSelectionError");
    expect(err?.message).toMatch(/ECONNREFUSED/);
    expect(err?.message).not.toContain("s3cret-pw-xyz");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
