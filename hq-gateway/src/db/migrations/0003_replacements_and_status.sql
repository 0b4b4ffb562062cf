-- A spoiled copy (paper jam) is voided and printed again under a new serial: the replacement keeps the
-- copy index, so (issuance, copy index) is no longer unique; each spoiled serial has at most one
-- replacement, whose signed document is kept so that a retry gets the same answer.
ALTER TABLE issuance_copies DROP CONSTRAINT issuance_copies_issuance_id_copy_index_key;
ALTER TABLE issuance_copies ADD COLUMN replaces_serial text UNIQUE REFERENCES issuance_copies (serial);
ALTER TABLE issuance_copies ADD COLUMN document text;

-- Each terminal's latest device status (merged from its snapshot and changes) and the history of changes.
-- Device fields only: never anything about a customer.
CREATE TABLE terminal_status (
  terminal_id text PRIMARY KEY REFERENCES terminals (id),
  status jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE TABLE status_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  terminal_id text NOT NULL REFERENCES terminals (id),
  kind text NOT NULL CHECK (kind IN ('snapshot', 'change')),
  fields jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX status_events_terminal_idx ON status_events (terminal_id, at);
