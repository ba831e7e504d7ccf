-- One person across apps (issue 20): the identities linked to a person, merges, and the
-- uniqueness of a unionid and of a phone number among live persons.
--
-- Rows written before this migration fold to exactly what it sets here (a rebuild gives the
-- same table): each live person has its registering identity, nothing is claimed, nobody is
-- merged. Two persons may already share a unionid or a number (the same human in two apps):
-- their values are left unclaimed, outside the unique indexes, so that this migration never
-- fails on them; the next login that brings the unionid claims it, and merges them (see
-- docs/architecture.md, "One person across apps").

ALTER TABLE users
  ADD COLUMN identities      jsonb   NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN unionid_claimed boolean NOT NULL DEFAULT false,
  ADD COLUMN phone_claimed   boolean NOT NULL DEFAULT false,
  ADD COLUMN merged_into     uuid;

UPDATE users SET identities = jsonb_build_array(jsonb_build_object('appId', app_id, 'openid', openid))
WHERE erased_at IS NULL;

-- The race barrier: two processes registering one human from two apps cannot both claim it.
CREATE UNIQUE INDEX users_unionid_claimed ON users (unionid)
  WHERE unionid_claimed AND erased_at IS NULL AND merged_into IS NULL;

CREATE UNIQUE INDEX users_phone_claimed ON users (phone_country_code, phone)
  WHERE phone_claimed AND erased_at IS NULL AND merged_into IS NULL;

CREATE INDEX users_merged_into ON users (merged_into) WHERE merged_into IS NOT NULL;

-- Which person an identity logs in as: written in the statement of the event that links or
-- moves it, recomputed from users.identities by a rebuild.
CREATE TABLE user_identities (
  app_id  text NOT NULL,
  openid  text NOT NULL,
  user_id uuid NOT NULL,
  PRIMARY KEY (app_id, openid)
);

CREATE INDEX user_identities_by_user ON user_identities (user_id);

INSERT INTO user_identities (app_id, openid, user_id)
SELECT app_id, openid, id FROM users WHERE erased_at IS NULL;
