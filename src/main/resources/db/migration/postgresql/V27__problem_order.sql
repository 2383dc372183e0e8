-- The kept problems of an entry are listed in the order they were found (the decoder's, in the
-- body's order, then the apply's), not as their locations sort as text, where /entry/10 came
-- before /entry/2. ordinal counts them from 0 per entry; the problems kept before it had it are
-- numbered in the order they were listed in then.
ALTER TABLE journal_problems ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;

UPDATE journal_problems
   SET ordinal = numbered.ordinal
  FROM (SELECT journal_id, location,
               row_number() OVER (PARTITION BY journal_id ORDER BY location) - 1 AS ordinal
          FROM journal_problems) AS numbered
 WHERE journal_problems.journal_id = numbered.journal_id
   AND journal_problems.location = numbered.location;

CREATE INDEX journal_problems_in_order ON journal_problems (journal_id, ordinal);
