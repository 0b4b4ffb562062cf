-- The live fleet: when each terminal was last heard from, since when its printer is jammed, and alerts.

-- Written on every status report and heartbeat (no history row for heartbeats): "offline" is derived from it.
ALTER TABLE terminals ADD COLUMN last_seen_at timestamptz;

-- Set when the printer enters 'jam', cleared when it leaves: the jam alert fires after it has lasted 5 min.
ALTER TABLE terminal_status ADD COLUMN jam_since timestamptz;

-- Status history is paged newest first per terminal.
CREATE INDEX status_events_terminal_id_idx ON status_events (terminal_id, id);

CREATE TABLE alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  terminal_id text NOT NULL REFERENCES terminals (id),
  kind text NOT NULL CHECK (kind IN ('offline', 'jam', 'paperOut', 'authFailures', 'readerUnavailable')),
  opened_at timestamptz NOT NULL,
  closed_at timestamptz,
  -- The operator's id as the ops module knows it (kept as text: operators are never deleted, only disabled).
  acknowledged_by text,
  acknowledged_at timestamptz,
  CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
-- Every gateway sweeps for alerts: this index keeps at most one open alert per terminal and kind, so that
-- concurrent sweeps on several gateways open it exactly once (INSERT … ON CONFLICT DO NOTHING).
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (terminal_id, kind) WHERE closed_at IS NULL;
CREATE INDEX alerts_opened_idx ON alerts (opened_at);

-- The authentication-failure rule counts recent session refusals per terminal.
CREATE INDEX audit_log_event_at_idx ON audit_log (event, at);
