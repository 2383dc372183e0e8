-- How many items of a journal entry were not applied. journal_problems keeps the first hundred of
-- them (with why); this keeps the count of all, so one body of a million broken items costs a
-- hundred rows, and a list of entries shows each entry's count without reading its problems.
CREATE TABLE journal_problem_counts (
    journal_id BIGINT  PRIMARY KEY,
    problems   INTEGER NOT NULL
);
INSERT INTO journal_problem_counts (journal_id, problems)
SELECT journal_id, count(*) FROM journal_problems GROUP BY journal_id;
