-- Open311's GET servicerequestupdates lists the status changes of cases in a window of time: found by time, not by
-- reading every case's timeline.
CREATE INDEX case_events_public_updates ON case_events (at, id) WHERE kind IN ('status', 'closed', 'reopened');
