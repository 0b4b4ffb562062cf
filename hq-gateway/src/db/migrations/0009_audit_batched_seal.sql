-- Batched sealing of the audit chain (hq-gateway/src/audit/seal.ts). Appends no longer lock the chain head:
-- a row is inserted with seq, prev_hash and hash NULL, and each gateway's sealer chains the committed rows a
-- batch at a time, in id order, under the head lock. Locking the head in every audited transaction
-- serialised every issuance, session and copy of every gateway on that one row.
ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL;

-- What the sealer reads every 200 ms: the rows still waiting for a place in the chain. Small (a batch at
-- most, between two seals), so scanning it stays cheap however long the log grows.
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE seq IS NULL;
