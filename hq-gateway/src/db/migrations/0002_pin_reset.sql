-- PIN reset (DESIGN.md "PIN reset", jpki-card.md "PIN reset at the kiosk"). PostgreSQL 15 dialect.
-- No PIN, card nonce or reset token is ever stored: only ids, kinds, states and times.

-- The card's signature certificate, when it has one (a child under 15 has none): issuer key id + serial
-- identify it, the SHA-256 pins it, exactly as for the user-authentication certificate.
ALTER TABLE cards
  ADD COLUMN signature_issuer_key_id text,
  ADD COLUMN signature_serial text,
  ADD COLUMN signature_cert_sha256 text UNIQUE,
  ADD CONSTRAINT cards_signature_all_or_none CHECK (
    (signature_issuer_key_id IS NULL) = (signature_serial IS NULL)
    AND (signature_serial IS NULL) = (signature_cert_sha256 IS NULL)
  ),
  ADD CONSTRAINT cards_signature_issuer_serial_key UNIQUE (signature_issuer_key_id, signature_serial);

-- Challenges of the smartphone app belong to no terminal. Only the app's purpose may lack one, and it
-- always does, so a kiosk can never consume an app challenge or the other way round.
ALTER TABLE challenges
  ALTER COLUMN terminal_id DROP NOT NULL,
  ADD CONSTRAINT challenges_app_has_no_terminal CHECK ((terminal_id IS NULL) = (purpose = 'app-pin-reset'));

-- A reservation booked in the app. At most one active (open or claimed) per card; an active one past
-- expires_at counts as expired and is marked so before a new one is stored.
CREATE TABLE pin_reset_reservations (
  id uuid PRIMARY KEY,
  card_id text NOT NULL REFERENCES cards (id),
  pin_kind text NOT NULL CHECK (pin_kind IN ('userAuth', 'signature')),
  status text NOT NULL CHECK (status IN ('open', 'claimed', 'used', 'cancelled', 'expired')),
  face_checked_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  status_changed_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX pin_reset_reservations_one_active_idx
  ON pin_reset_reservations (card_id) WHERE status IN ('open', 'claimed');
CREATE INDEX pin_reset_reservations_card_idx ON pin_reset_reservations (card_id, created_at);

-- One attempt at a kiosk: a reservation claimed by a terminal. At most one attempt per reservation is
-- 'claimed' at a time. The outcome's answer is stored as sent, so that a retry gets the same bytes.
CREATE TABLE pin_resets (
  id uuid PRIMARY KEY,
  reservation_id uuid NOT NULL REFERENCES pin_reset_reservations (id),
  terminal_id text NOT NULL REFERENCES terminals (id),
  card_id text NOT NULL REFERENCES cards (id),
  pin_kind text NOT NULL CHECK (pin_kind IN ('userAuth', 'signature')),
  status text NOT NULL CHECK (status IN ('claimed', 'reset', 'notReset', 'superseded')),
  claimed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  tokens_issued integer NOT NULL DEFAULT 0 CHECK (tokens_issued >= 0),
  last_token_at timestamptz,
  outcome_at timestamptz,
  outcome_response text
);
CREATE UNIQUE INDEX pin_resets_one_claim_idx ON pin_resets (reservation_id) WHERE status = 'claimed';
CREATE INDEX pin_resets_terminal_idx ON pin_resets (terminal_id);

ALTER TABLE audit_log
  ADD COLUMN reservation_id uuid,
  ADD COLUMN pin_reset_id uuid,
  ADD COLUMN pin_kind text;
