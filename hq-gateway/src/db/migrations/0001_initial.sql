-- The walking skeleton's tables. PostgreSQL 15 dialect: PGlite runs a newer server, but production runs
-- Debian's 15, so nothing newer may be used. Ids that the outside world sees are uuid or text; hashes and
-- keys are hex text (no bytea: the two drivers decode it differently).

-- Resident registry (the demo municipality adapter's storage).
CREATE TABLE municipalities (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'), -- 全国地方公共団体コード, with check digit
  prefecture text NOT NULL,
  name text NOT NULL,
  mayor text NOT NULL,
  juminhyo_fee_yen integer NOT NULL CHECK (juminhyo_fee_yen >= 0)
);

CREATE TABLE households (
  id text PRIMARY KEY,
  municipality_code text NOT NULL REFERENCES municipalities (code),
  address text NOT NULL
);

CREATE TABLE residents (
  id text PRIMARY KEY,
  household_id text NOT NULL REFERENCES households (id),
  family_name text NOT NULL,
  given_name text NOT NULL,
  family_name_kana text NOT NULL,
  given_name_kana text NOT NULL,
  birth_date date NOT NULL,
  sex text NOT NULL CHECK (sex IN ('male', 'female')),
  relationship text NOT NULL, -- 続柄 as printed: 世帯主, 妻, 子, …
  is_householder boolean NOT NULL DEFAULT false,
  became_resident_on date NOT NULL
);
CREATE INDEX residents_household_idx ON residents (household_id);
CREATE UNIQUE INDEX residents_one_householder_idx ON residents (household_id) WHERE is_householder;

-- A registered user-authentication certificate and the resident holding the card it sits on.
-- X.509 identifies a certificate by issuer + serial; the issuer is named by key id because CA generations
-- share one DN. The SHA-256 pins the exact certificate.
CREATE TABLE cards (
  id text PRIMARY KEY,
  resident_id text NOT NULL REFERENCES residents (id),
  card_serial text NOT NULL UNIQUE,
  user_auth_issuer_key_id text NOT NULL,
  user_auth_serial text NOT NULL,
  user_auth_cert_sha256 text NOT NULL UNIQUE,
  registered_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_auth_issuer_key_id, user_auth_serial)
);
CREATE INDEX cards_resident_idx ON cards (resident_id);

-- Kiosks. Only a hash of the bearer token is stored.
CREATE TABLE terminals (
  id text PRIMARY KEY,
  token_sha256 text NOT NULL,
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE challenges (
  id uuid PRIMARY KEY,
  terminal_id text NOT NULL REFERENCES terminals (id),
  purpose text NOT NULL,
  nonce text NOT NULL, -- base64
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX challenges_expires_idx ON challenges (expires_at);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  terminal_id text NOT NULL REFERENCES terminals (id),
  card_id text NOT NULL REFERENCES cards (id),
  resident_id text NOT NULL REFERENCES residents (id),
  card_cert_sha256 text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

-- One row per issuance request. The response is stored as the exact JSON text that was sent, so that a
-- retry with the same idempotency key gets a byte-identical answer (jsonb would reorder keys).
CREATE TABLE issuances (
  id uuid PRIMARY KEY,
  terminal_id text NOT NULL REFERENCES terminals (id),
  session_id uuid NOT NULL REFERENCES sessions (id),
  idempotency_key uuid NOT NULL,
  request_sha256 text NOT NULL,
  certificate_type text NOT NULL,
  copies integer NOT NULL CHECK (copies > 0),
  fee_yen integer NOT NULL CHECK (fee_yen >= 0),
  response text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (terminal_id, idempotency_key)
);
CREATE INDEX issuances_session_idx ON issuances (session_id);

CREATE TABLE issuance_copies (
  serial text PRIMARY KEY,
  issuance_id uuid NOT NULL REFERENCES issuances (id),
  copy_index integer NOT NULL CHECK (copy_index > 0),
  fee_yen integer NOT NULL CHECK (fee_yen >= 0),
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'printed', 'spoiled')),
  status_changed_at timestamptz NOT NULL,
  UNIQUE (issuance_id, copy_index)
);

-- Append-only trail of what happened, by id only: never names, addresses or certificate contents.
-- (Hash-chaining each row to the previous one is a later issue.)
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  event text NOT NULL,
  terminal_id text,
  session_id uuid,
  issuance_id uuid,
  card_id text,
  resident_id text,
  serial text,
  code text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
