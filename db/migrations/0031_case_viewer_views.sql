-- Who has a case open (migration 0014), per view: the desk's case box names each time it opens a case with an id of
-- its own, and leaving deletes only the row of that view. A box made anew for the same case (the page drawn again,
-- another tab) could otherwise say "open" and then be removed by its predecessor's "left", arriving after it: the
-- colleagues were then not warned until the next round, 15 seconds later. Rows from before this have none, and
-- expire as before.
ALTER TABLE case_viewers ADD COLUMN view_id uuid;
