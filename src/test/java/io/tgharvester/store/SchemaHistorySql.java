package io.tgharvester.store;

/** Statements that change Flyway's schema history the way an edited build or a newer version would have. */
public final class SchemaHistorySql {
    private SchemaHistorySql() {
    }

    /** The history as if {@code version} had been applied with another file than this build's. */
    public static String changedChecksum(String version) {
        return "UPDATE \"flyway_schema_history\" SET \"checksum\" = 42 WHERE \"version\" = '" + version + "'";
    }

    /** The history as if a build with migration {@code version} had applied it. */
    public static String applied(String version, String description) {
        return """
                INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script",
                    "checksum", "installed_by", "execution_time", "success")
                VALUES (999, '%1$s', '%2$s', 'SQL', 'V%3$s__%4$s.sql', 1, 'harvester', 1, TRUE)"""
                .formatted(version, description, version.replace('.', '_'), description.replace(' ', '_'));
    }
}
