-- A message by its wamid alone (GET /api/v1/messages/{wamid}, polled by a sender until its message
-- shows; a support ticket quotes nothing else): one probe instead of one per business number.
CREATE INDEX messages_by_wamid ON messages (wamid);
