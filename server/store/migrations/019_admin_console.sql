-- The operators' console (server/admin/). Numbered after its issue so that it never takes a
-- number another change may be using; migrations apply by number and skip none.

-- A signed-in operator: only a SHA-256 of the cookie's random token is kept, so a copy of the
-- table signs nobody in. The CSRF token is bound to the session and sent back in a header.
CREATE TABLE admin_sessions (
  token_hash  text PRIMARY KEY,
  operator    text NOT NULL,
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- Finding a person by the last digits of a bound phone: a prefix search of the reversed number.
-- The phone does not change on a login, so logins keep their HOT updates of the row.
CREATE INDEX users_phone_reversed ON users (reverse(phone) text_pattern_ops) WHERE phone IS NOT NULL;

-- The charts read the last hours or days of the log: a BRIN index on the time of recording
-- costs the append almost nothing (the log is written in time order).
CREATE INDEX events_recorded_brin ON events USING brin (recorded_at);

-- What operators did to a person, for that person's timeline.
CREATE INDEX events_operator_subject ON events ((data ->> 'userId')) WHERE type = 'OperatorActed';
