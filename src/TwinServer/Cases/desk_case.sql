-- One case as the desk shows it: the columns of inbox.sql (without its count), from the desk's view (migration 0014).
SELECT c.id, c.service_request_id, c.category, c.status, c.created_at, c.lon, c.lat, c.address, c.description,
       c.suggested_to, c.assignee, c.object_id, c.delivery_state, c.delivery_error, c.rejected_by_last, c.reject_reason,
       c.duplicate_of, c.language, c.version, c.channel, c.delivery_attempts, c.next_attempt_at, c.suggestion::text,
       c.awaiting_citizen, c.rejected_by, c.citizen_message_state, c.citizen_message_error, c.handler, c.due_at,
       c.promised_at, c.merged_into, c.merged_duplicates, c.media_url
FROM desk_cases c
WHERE c.id = $1;
