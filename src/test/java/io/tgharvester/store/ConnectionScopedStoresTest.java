package io.tgharvester.store;

import static io.tgharvester.TestSamples.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tgharvester.TgJson;
import io.tgharvester.store.FetchPosition.Listing;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stores of two connections over one real database: each sees its own samples, queue and fetch position. */
class ConnectionScopedStoresTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final List<String> ARTIFACTS = List.of("analysis.json");

    @TempDir
    Path dataDir;
    private Database db;
    private SampleStore us;
    private SampleStore eu;

    @BeforeEach
    void open() {
        db = Database.open(dataDir);
        us = new SampleStore(db, ARTIFACTS, "us");
        eu = new SampleStore(db, ARTIFACTS, "eu");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<List<Object>> rows(String sql) {
        return new Queries(db).userQuery(sql).rows();
    }

    @Test
    void eachConnectionChecksAndDownloadsOnlyItsOwnSamples() {
        us.storePage(List.of(sample(1, "run", T0), sample(2, "succ", T0)), T0);
        eu.storePage(List.of(sample(3, "wait", T0), sample(4, "succ", T0)), T0);

        assertEquals(List.of(List.of(TgJson.id(1), "us"), List.of(TgJson.id(2), "us"), List.of(TgJson.id(3), "eu"),
                List.of(TgJson.id(4), "eu")), rows("SELECT id, connection FROM samples ORDER BY id"));
        assertEquals(List.of(TgJson.id(1)), us.unfinishedIds());
        assertEquals(List.of(TgJson.id(3)), eu.unfinishedIds());
        assertEquals(List.of(new ArtifactTask(TgJson.id(2), "analysis.json", 0)),
                new ArtifactStore(db, "us", Claimant.ALONE).due(T0, 10));
        assertEquals(List.of(new ArtifactTask(TgJson.id(4), "analysis.json", 0)),
                new ArtifactStore(db, "eu", Claimant.ALONE).due(T0, 10));
        assertEquals(List.of(), new ArtifactStore(db).due(T0, 10), "the default connection has none");
    }

    @Test
    void aSampleListedByASecondConnectionStaysWithTheFirstUnchanged() {
        us.storePage(List.of(sample(1, "run", T0)), T0);

        StoreOutcome second = eu.storePage(List.of(sample(1, "succ", T0)), T0.plusSeconds(60));

        assertEquals(StoreOutcome.NONE, second);
        assertEquals(List.of(List.of("us", "run")), rows("SELECT connection, state FROM samples"));
        assertEquals(List.of(List.of(0L)), rows("SELECT COUNT(*) FROM artifacts"));
        assertEquals(List.of(), eu.unfinishedIds());
    }

    @Test
    void staleSamplesAreMarkedPerConnection() {
        us.storePage(List.of(sample(1, "run", T0)), T0);
        eu.storePage(List.of(sample(2, "run", T0)), T0);

        assertEquals(1, us.markStale(T0.plusSeconds(1), T0.plusSeconds(2)));

        assertEquals(List.of(List.of("eu", "run"), List.of("us", "stale")),
                rows("SELECT connection, state FROM samples ORDER BY connection"));
    }

    @Test
    void eachConnectionKeepsItsOwnWatermarkAndListingInProgress() {
        Listing listing = Listing.from(T0, T0).plusPage(100, Optional.of(T0.plusSeconds(50)));
        FetchPosition usDone = us.fetchPosition().completing(listing);
        us.storePage(List.of(sample(1, "run", T0.plusSeconds(50))), usDone, T0);
        eu.storePage(List.of(sample(2, "run", T0)), eu.fetchPosition().continuing(listing), T0);

        assertEquals(Optional.of(T0.plusSeconds(50)), us.watermark());
        assertEquals(Optional.empty(), us.fetchPosition().inProgress());
        assertEquals(Optional.empty(), eu.watermark());
        assertEquals(Optional.of(listing), eu.fetchPosition().inProgress());
        assertEquals(List.of(List.of("eu", 100)), new Queries(db).listingInProgress().rows().stream()
                .map(r -> List.of(r.get(0), r.get(3))).toList());
    }

    @Test
    void theHarvestsWatermarkIsTheOldestOfTheConnections() {
        Listing usListing = Listing.from(T0, T0).plusPage(1, Optional.of(T0.plusSeconds(50)));
        Listing euListing = Listing.from(T0, T0).plusPage(1, Optional.of(T0.plusSeconds(20)));
        us.storePage(List.of(sample(1, "run", T0.plusSeconds(50))), us.fetchPosition().completing(usListing), T0);
        eu.storePage(List.of(sample(2, "run", T0.plusSeconds(20))), eu.fetchPosition().completing(euListing), T0);

        assertEquals(Optional.of(T0.plusSeconds(20)), new Queries(db).watermark(), "eu is furthest behind");
    }

    @Test
    void theSamplesFilterPicksTheSamplesOfOneConnection() {
        us.storePage(List.of(sample(1, "succ", T0)), T0);
        eu.storePage(List.of(sample(2, "succ", T0), sample(3, "wait", T0)), T0);

        QueryResult listed = new SampleListingQueries(db).list(new SampleListing(
                Optional.of(FilterParser.parse("connection__eq(eu)")),
                List.of(new SampleListing.SortKey(SampleField.ID, false)),
                List.of(SampleField.ID, SampleField.CONNECTION), 100, 0));

        assertEquals(List.of(List.of(TgJson.id(2), "eu"), List.of(TgJson.id(3), "eu")), listed.rows());
    }
}
