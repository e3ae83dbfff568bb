-- Login/registration throttling as a sliding log (decision 63) instead of fixed windows aligned to
-- the clock, which let a client through twice the limit across a window boundary. One row per
-- counter key: the times (epoch ms, ascending) of the attempts admitted inside the rule's window,
-- at most `limit` of them, and whether the last attempt was admitted. The old counters are dropped:
-- at worst a throttled client gets one fresh window after the deploy.
DROP TABLE auth_throttle;
CREATE TABLE auth_throttle (
  key TEXT PRIMARY KEY NOT NULL,
  attempts TEXT NOT NULL,
  admitted INTEGER NOT NULL
);
