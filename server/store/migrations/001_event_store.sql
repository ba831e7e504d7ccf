-- The append-only event log and the checkpoints of the projections that follow it.

CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        uuid NOT NULL,
  stream_id       text NOT NULL,
  stream_position bigint NOT NULL,
  type            text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- The writing transaction: readers of the whole log compare it with the oldest running
  -- transaction so that an event committed out of position order is never skipped.
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_event_id_unique UNIQUE (event_id),
  CONSTRAINT events_stream_position_unique UNIQUE (stream_id, stream_position)
);

CREATE INDEX events_log_order ON events (transaction_id, global_position);

-- Where each async projection has got to in the log, as (transaction_id, global_position);
-- NULL means "from the start".
CREATE TABLE projection_checkpoints (
  name            text PRIMARY KEY,
  transaction_id  xid8,
  global_position bigint,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
