-- Users directory and sessions (D1). The per-user trading state lives in the UserAccount DO.
CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  email TEXT NOT NULL,
  display_name TEXT,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- Emails are stored lower-cased; NOCASE makes uniqueness case-insensitive even if one slips through.
CREATE UNIQUE INDEX users_email_unique ON users (email COLLATE NOCASE);

-- Refresh tokens, stored as SHA-256 hashes. Rotated on every use; a family is one login session.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY NOT NULL,
  family_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Fixed-window counters for login/registration throttling (per IP and per email).
CREATE TABLE auth_throttle (
  key TEXT PRIMARY KEY NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL
);
