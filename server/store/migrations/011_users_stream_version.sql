-- The users row as a snapshot of its stream: the position of the last event folded into it.
-- A command decides from the row, without reading the stream, when this equals the stream's
-- version; otherwise (a row written before this column, a stream written without the
-- projection) it folds the stream, and its write brings the row up to date.

ALTER TABLE users ADD COLUMN stream_version bigint;
