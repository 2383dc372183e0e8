-- Failed sends across numbers, newest first (GET /api/v1/failures): a partial index holds the
-- failed statuses only, so the other statuses cost it nothing.
CREATE INDEX message_statuses_failed ON message_statuses (status_at, phone_number_id, wamid)
 WHERE status_rank = 9;

-- A 360dialog partner event (account_violation, channel_created, ...) names its business by WABA
-- id or phone number, not by phone_number_id: kept in columns, so that a number's timeline and its
-- alerts find the events of its WABA or its display number. Events stored before are read again.
ALTER TABLE partner_events ADD COLUMN waba_id TEXT;
ALTER TABLE partner_events ADD COLUMN phone_number_id TEXT;
ALTER TABLE partner_events ADD COLUMN phone_digits TEXT;
UPDATE partner_events SET
  waba_id = COALESCE(payload::json #>> '{data,waba_id}',
                     payload::json #>> '{data,waba_account,id}',
                     payload::json #>> '{data,channel,waba_account,id}'),
  phone_number_id = payload::json #>> '{data,phone_number_id}',
  phone_digits = NULLIF(regexp_replace(
                   COALESCE(payload::json #>> '{data,phone_number}',
                            payload::json #>> '{data,setup_info,phone_number}',
                            payload::json #>> '{data,channel,setup_info,phone_number}'),
                   '[^0-9]', '', 'g'), '');
CREATE INDEX partner_events_by_waba ON partner_events (waba_id);
CREATE INDEX partner_events_by_digits ON partner_events (phone_digits);
