-- A refund owed to a customer and left unpaid at the store's counter for 24 h (fleet/alerts.ts).
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
  CHECK (kind IN ('offline', 'jam', 'paperOut', 'authFailures', 'readerUnavailable', 'refundOwed'));
