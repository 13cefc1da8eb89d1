package io.tgharvester.analyze;

/**
 * An analyzer plugin: called once for every sample that newly completes, after its artifacts are downloaded and its
 * analysis.json is parsed into the correlation tables, with the sample's row, its scores and its artifact files.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: a jar in the plugins dir
 * ({@code harvester.plugins-dir}, default {@code plugins/}) naming the class in
 * {@code META-INF/services/io.tgharvester.analyze.SampleAnalyzer}, or such a jar on the harvester's classpath. Each
 * needs a public constructor without arguments.
 *
 * <p>A call that throws is recorded with its error and made again later, after a backoff that doubles per failure,
 * until {@code harvester.analyze.attempts} calls have been made; one analyzer's failures never hold up the harvest or
 * another analyzer. Calls of one analyzer never overlap.
 */
public interface SampleAnalyzer extends AutoCloseable {
    /**
     * The analyzer's stable name, which keys its results in the database: 1 to 64 lower-case letters, digits,
     * {@code .}, {@code _} or {@code -}, starting with a letter or digit. Renaming an analyzer starts it afresh.
     */
    String name();

    /** Called once before the first sample; an analyzer that throws here is left out until the next start. */
    default void open(AnalyzerContext context) throws Exception {
    }

    /**
     * Analyzes one sample. The same sample may come again after a failure, or after the harvester stopped during a
     * call ({@link AnalyzedSample#attempt()} is then above 1): an analyzer with effects outside its result, such as a
     * message sent, should make them safe to repeat.
     *
     * @return tags and rows to store for the sample; {@link AnalyzerResult#none()} when there is nothing to say
     * @throws Exception to have the call recorded as failed and made again later
     */
    AnalyzerResult analyze(AnalyzedSample sample) throws Exception;

    /** Called once when the harvester stops. */
    @Override
    default void close() throws Exception {
    }
}
