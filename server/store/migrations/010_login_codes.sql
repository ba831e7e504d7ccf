-- Login is idempotent per wx.login code for the code's 5-minute life (owned by server/login/).
-- The first request for a code claims its row (user_id NULL while it talks to WeChat); a retry
-- of the same code, on any server process, waits for that outcome instead of sending the spent
-- code to WeChat again (errcode 40163). Only a hash of the code is kept.

CREATE TABLE login_codes (
  app_id        text NOT NULL,
  code_hash     text NOT NULL,
  user_id       uuid,
  is_new        boolean,
  token_version integer,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (app_id, code_hash)
);

CREATE INDEX login_codes_expiry ON login_codes (expires_at);
