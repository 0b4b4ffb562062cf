-- @socket.io/postgres-adapter: gateways fan dashboard events out to each other with NOTIFY; a payload
-- over NOTIFY's 8000-byte limit (or with binary data) is stored here and only its id is notified. The
-- adapter itself deletes rows older than its cleanupInterval (hq-gateway/src/fleet/pg-adapter.ts).
-- The adapter's own DDL, as documented; on PGlite (one gateway, no adapter) the table simply stays empty.
CREATE TABLE socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
CREATE INDEX socket_io_attachments_created_at_idx ON socket_io_attachments (created_at);
