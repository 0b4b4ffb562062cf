-- HQ operators and their browser sessions, staff codes managed at HQ, and the hash chain over audit_log.
-- PostgreSQL 15 dialect. No password, session id or staff code is stored in clear.

CREATE TABLE operators (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  -- scrypt$N$r$p$<salt base64>$<hash base64>: the parameters travel with the hash so they can be raised later.
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);

CREATE TABLE operator_sessions (
  -- SHA-256 (hex) of the 256-bit cookie value: a leaked table opens no session.
  id_sha256 text PRIMARY KEY,
  operator_id uuid NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX operator_sessions_operator_idx ON operator_sessions (operator_id);

-- Failed logins per username (SHA-256 of the lower-cased name: a password typed into the name field is not
-- kept in clear). Shared by every gateway instance, so the lockout holds behind a load balancer.
CREATE TABLE operator_login_failures (
  username_sha256 text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX operator_login_failures_idx ON operator_login_failures (username_sha256, at);

-- Store staff codes: a salted scrypt record exactly as kiosk-agent/src/staff/staff-code.ts checks it.
CREATE TABLE staff_codes (
  id uuid PRIMARY KEY,
  terminal_id text REFERENCES terminals (id),
  store_id text,
  salt text NOT NULL,
  scrypt text NOT NULL,
  created_by uuid REFERENCES operators (id),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CONSTRAINT staff_codes_one_scope CHECK ((terminal_id IS NULL) <> (store_id IS NULL))
);
-- One current code per terminal: setting a new one revokes the old one in the same transaction.
CREATE UNIQUE INDEX staff_codes_current_terminal_idx ON staff_codes (terminal_id) WHERE revoked_at IS NULL;

-- The audit chain: seq is the position in the chain (contiguous, unlike the identity id, which a rolled back
-- transaction skips); hash = SHA-256(prev_hash, canonical row). Rows written before this migration have no
-- hash yet: the next append seals them in seq order (audit/append.ts).
ALTER TABLE audit_log
  ADD COLUMN operator_id uuid,
  ADD COLUMN subject_id uuid,
  ADD COLUMN seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash text;
UPDATE audit_log SET seq = ordered.n
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_log) AS ordered
  WHERE audit_log.id = ordered.id;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq);

-- One row: the head of the chain. Appends lock it FOR UPDATE inside their own transaction, which serialises
-- the chain across gateway processes sharing one PostgreSQL.
CREATE TABLE audit_chain_head (
  id int PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text,
  -- The seq up to which rows are hashed (below seq when pre-chain rows await sealing).
  sealed_seq bigint NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash, sealed_seq) SELECT 1, count(*), NULL, 0 FROM audit_log;
