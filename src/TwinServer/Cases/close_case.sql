-- Closes a case with a resolution. $1 the case, $2 the resolution, $3 a note (the case's note stays when null).
UPDATE cases SET status = 'closed', resolution = $2, status_notes = coalesce($3, status_notes), awaiting_citizen = false, assignee = NULL
WHERE id = $1
