-- PostgreSQL: db/V9__urls_host_artifact_relation.sql unchanged; every statement in it means the same here.
-- analysis.json as Threat Grid writes it (parser version 2, which reparses every stored analysis):
-- urls.host is the host each HTTP request asked for (lower case), beside its URL, method and status;
-- artifact_hashes.relation holds an artifact's relation object (contains, extracted_from, network, process) as JSON
-- text of the members that have a value, longer than the single words the column was made for.
ALTER TABLE urls ADD COLUMN host VARCHAR(255);
ALTER TABLE artifact_hashes ALTER COLUMN relation SET DATA TYPE VARCHAR(4096);
