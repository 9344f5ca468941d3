-- Cancels a case's forward deliveries that have not arrived, unless the one to the current recipient arrived (its
-- recipient is returned then, and nothing changes). The rows are locked first: a worker sending one holds its lock
-- until it has recorded the outcome. $1 the case, $2 its current recipient.
WITH latest AS (
    SELECT id, state, recipient FROM outbox
    WHERE case_id = $1 AND recipient IS NOT NULL AND state <> 'cancelled'
    ORDER BY id DESC
    FOR UPDATE
), cancelled AS (
    UPDATE outbox SET state = 'cancelled' FROM latest
    WHERE outbox.id = latest.id AND latest.state IN ('pending', 'dead')
      AND NOT EXISTS (SELECT FROM latest d WHERE d.state = 'delivered' AND d.recipient = $2)
)
SELECT recipient FROM latest WHERE state = 'delivered' AND recipient = $2 LIMIT 1
