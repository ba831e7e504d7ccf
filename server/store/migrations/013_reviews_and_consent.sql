-- Content review of the profile (pending or deferred per field, the awaited asynchronous check),
-- the person's last answer to the privacy guide, phone-number codes exchanged (a code is sent
-- to WeChat once), and the nonces of signed message pushes (a replay is refused).

ALTER TABLE users ADD COLUMN nickname_review text;
ALTER TABLE users ADD COLUMN avatar_review text;
ALTER TABLE users ADD COLUMN avatar_trace_id text;
ALTER TABLE users ADD COLUMN consent text;
ALTER TABLE users ADD COLUMN consent_guide_version text;
ALTER TABLE users ADD COLUMN consent_at timestamptz;

CREATE INDEX users_avatar_trace_id ON users (avatar_trace_id) WHERE avatar_trace_id IS NOT NULL;

-- Only a hash of the code: a row must not be a usable credential.
CREATE TABLE phone_codes (
  code_hash  text PRIMARY KEY,
  user_id    uuid NOT NULL,
  claimed_at timestamptz NOT NULL
);

CREATE TABLE message_nonces (
  nonce       text PRIMARY KEY,
  received_at timestamptz NOT NULL
);
