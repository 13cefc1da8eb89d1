-- PostgreSQL's V16 replaces its B-tree index of processes.name, which cannot hold the longest names there. H2's
-- B-tree index has no such limit and stays as it is.
SELECT 1;
