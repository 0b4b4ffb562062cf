-- Terminal identity: kiosks authenticate with a client certificate from the terminal CA (mutual TLS), which
-- replaces the bearer token. A kiosk gets its certificate by enrolling with a one-time code.

ALTER TABLE terminals DROP COLUMN token_sha256;
-- The one certificate the terminal may use now (SHA-256 of its DER, hex); NULL until it enrols.
ALTER TABLE terminals
  ADD COLUMN cert_sha256 text UNIQUE,
  ADD COLUMN cert_serial text,
  ADD COLUMN cert_not_after timestamptz,
  ADD COLUMN enrolled_at timestamptz;

-- One-time enrolment codes. Only the SHA-256 of the code is kept; used_at makes it single use.
CREATE TABLE terminal_enrollment_codes (
  code_sha256 text PRIMARY KEY,
  terminal_id text NOT NULL REFERENCES terminals (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX terminal_enrollment_codes_terminal_idx ON terminal_enrollment_codes (terminal_id);

-- Every certificate the terminal CA issued, and when and why it stopped being accepted.
CREATE TABLE terminal_certificates (
  sha256 text PRIMARY KEY,
  serial text NOT NULL,
  terminal_id text NOT NULL REFERENCES terminals (id),
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  issued_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revocation_reason text CHECK (revocation_reason IN ('superseded', 'terminal-revoked')),
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX terminal_certificates_terminal_idx ON terminal_certificates (terminal_id);
