-- The users projection, the per-user keys that seal personal data in the log, the latest
-- WeChat session_key per user, and the failed-login projection.

CREATE TABLE users (
  id                 uuid PRIMARY KEY,
  app_id             text NOT NULL,
  openid             text NOT NULL,
  unionid            text,
  nickname           text,
  avatar_url         text,
  phone              text,
  phone_country_code text,
  token_version      integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL,
  last_login_at      timestamptz,
  login_count        integer NOT NULL DEFAULT 0,
  erased_at          timestamptz,
  CONSTRAINT users_app_openid_unique UNIQUE (app_id, openid)
);

CREATE INDEX users_unionid ON users (unionid) WHERE unionid IS NOT NULL;

-- One key per stream; deleting the row makes the sealed fields of that stream unreadable
-- (crypto-shredding, see docs/privacy.md).
CREATE TABLE personal_data_keys (
  key_id     uuid PRIMARY KEY,
  subject    text NOT NULL,
  secret     bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT personal_data_keys_subject_unique UNIQUE (subject)
);

-- Overwritten by each login; never in an event, an answer or a log line.
CREATE TABLE session_keys (
  app_id      text NOT NULL,
  openid      text NOT NULL,
  session_key text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, openid)
);

CREATE TABLE login_failures (
  global_position bigint PRIMARY KEY,
  app_id          text NOT NULL,
  openid          text,
  errcode         integer,
  rid             text,
  reason          text NOT NULL,
  failed_at       timestamptz NOT NULL
);

CREATE INDEX login_failures_by_app ON login_failures (app_id, failed_at DESC);
