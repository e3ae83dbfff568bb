-- The hourly housekeeping deletes refresh tokens past their expiry (workers/api/src/auth/housekeeping.ts):
-- an index keeps that a range scan instead of a pass over every token ever issued.
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
