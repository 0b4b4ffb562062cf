-- Every certificate type (DESIGN.md "HQ data"): per-municipality services (fee, hours), closures and
-- maintenance windows, the resident fields each certificate prints, seal registrations, tax records and
-- 戸籍 with its 附票. PostgreSQL 15 dialect. Times of day are JST 'HH:MM' text: municipalities think in
-- local time, and Japan has no daylight saving time.

-- The fee now lives per certificate type in municipality_services.
ALTER TABLE municipalities DROP COLUMN juminhyo_fee_yen;

-- What a municipality issues at kiosks: fee per copy and hours (opens inclusive, closes exclusive).
CREATE TABLE municipality_services (
  municipality_code text NOT NULL REFERENCES municipalities (code),
  certificate_type text NOT NULL
    CHECK (certificate_type IN ('juminhyo', 'sealRegistration', 'taxIncome', 'koseki', 'kosekiFuhyo')),
  fee_yen integer NOT NULL CHECK (fee_yen >= 0),
  opens text NOT NULL CHECK (opens ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  closes text NOT NULL CHECK (closes ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  weekdays_only boolean NOT NULL DEFAULT false,
  PRIMARY KEY (municipality_code, certificate_type),
  CHECK (opens < closes)
);

-- Days closed every year, 'MM-DD' to 'MM-DD' inclusive; to < from wraps the year end (29 Dec – 3 Jan).
-- certificate_type NULL: every service.
CREATE TABLE municipality_closures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  municipality_code text NOT NULL REFERENCES municipalities (code),
  from_day text NOT NULL CHECK (from_day ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  to_day text NOT NULL CHECK (to_day ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  certificate_type text
);
CREATE INDEX municipality_closures_code_idx ON municipality_closures (municipality_code);

-- Planned outages of the municipality's systems: [starts_at, ends_at). certificate_type NULL: every service.
CREATE TABLE maintenance_windows (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  municipality_code text NOT NULL REFERENCES municipalities (code),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  certificate_type text,
  CHECK (ends_at > starts_at)
);
CREATE INDEX maintenance_windows_code_idx ON maintenance_windows (municipality_code, ends_at);

-- Resident fields. nationality NULL means a Japanese national (本籍・筆頭者 apply); a foreign resident has
-- all four residence fields (国籍・地域, 在留資格, 在留期間満了日, 在留カード等の番号) and no 本籍.
ALTER TABLE residents
  ADD COLUMN nationality text,
  ADD COLUMN residence_status text,
  ADD COLUMN residence_period_ends date,
  ADD COLUMN residence_card_number text,
  ADD COLUMN honseki_address text,
  ADD COLUMN honseki_head text,
  ADD COLUMN my_number text CHECK (my_number ~ '^[0-9]{12}$'),
  -- DV等支援措置: the kiosk issues nothing and says only "please ask at the city office".
  ADD COLUMN support_measure boolean NOT NULL DEFAULT false,
  -- 転出: the record is a 除票 from this day.
  ADD COLUMN moved_out_on date,
  -- 転居 within the municipality (転入 is became_resident_on).
  ADD COLUMN address_changed_on date,
  ADD CONSTRAINT residents_foreign_fields_all_or_none CHECK (
    (nationality IS NULL) = (residence_status IS NULL)
    AND (nationality IS NULL) = (residence_period_ends IS NULL)
    AND (nationality IS NULL) = (residence_card_number IS NULL)
  ),
  ADD CONSTRAINT residents_honseki_nationals_only CHECK (
    (honseki_address IS NULL) = (honseki_head IS NULL) AND (nationality IS NULL OR honseki_address IS NULL)
  );

CREATE TABLE seal_registrations (
  resident_id text PRIMARY KEY REFERENCES residents (id),
  registration_number text NOT NULL UNIQUE,
  impression_text text NOT NULL CHECK (char_length(impression_text) BETWEEN 1 AND 4),
  impression_shape text NOT NULL CHECK (impression_shape IN ('round', 'square')),
  registered_on date NOT NULL
);

-- One row per 年度 (fiscal_year: the tax year, on the previous calendar year's income).
CREATE TABLE tax_records (
  resident_id text NOT NULL REFERENCES residents (id),
  fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  income_yen integer NOT NULL CHECK (income_yen >= 0),
  total_income_yen integer NOT NULL CHECK (total_income_yen >= 0),
  deductions_yen integer NOT NULL CHECK (deductions_yen >= 0),
  taxable_income_yen integer NOT NULL CHECK (taxable_income_yen >= 0),
  municipal_tax_yen integer NOT NULL CHECK (municipal_tax_yen >= 0),
  prefectural_tax_yen integer NOT NULL CHECK (prefectural_tax_yen >= 0),
  PRIMARY KEY (resident_id, fiscal_year)
);

-- 戸籍 kept by a municipality (本籍 there). A person may live elsewhere: resident_id is NULL then.
CREATE TABLE koseki (
  id text PRIMARY KEY,
  municipality_code text NOT NULL REFERENCES municipalities (code),
  honseki text NOT NULL,
  head text NOT NULL
);

-- events: [{kind, date, detail}] (身分事項); addresses: [{address, from}] (the 附票's address history).
CREATE TABLE koseki_persons (
  koseki_id text NOT NULL REFERENCES koseki (id),
  position integer NOT NULL CHECK (position > 0),
  resident_id text REFERENCES residents (id),
  name text NOT NULL,
  birth_date date NOT NULL,
  sex text NOT NULL CHECK (sex IN ('male', 'female')),
  father text NOT NULL,
  mother text NOT NULL,
  relationship text NOT NULL,
  events jsonb NOT NULL DEFAULT '[]',
  addresses jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (koseki_id, position)
);
CREATE UNIQUE INDEX koseki_persons_resident_idx ON koseki_persons (resident_id) WHERE resident_id IS NOT NULL;
