package io.tgharvester.sim;

import static io.tgharvester.sim.Fixtures.KEY;
import static io.tgharvester.sim.Fixtures.START;

import io.tgharvester.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulator of {@link Fixtures#mixed()} on a free loopback port for each test, on a test clock that starts at
 * {@link Fixtures#START} and has run {@code warmUp} when the test begins.
 */
final class RunningSimulator implements BeforeEachCallback, AfterEachCallback {
    private final Duration warmUp;
    private TestClock clock;
    private ThreatGridSimulator simulator;
    private SimulatorCalls calls;

    RunningSimulator(Duration warmUp) {
        this.warmUp = warmUp;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clock = new TestClock(START);
        simulator = new ThreatGridSimulator(Fixtures.mixed(), clock);
        simulator.start(0);
        calls = new SimulatorCalls(simulator, KEY);
        clock.advance(warmUp);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        simulator.close();
    }

    TestClock clock() {
        return clock;
    }

    ThreatGridSimulator simulator() {
        return simulator;
    }

    SimulatorCalls calls() {
        return calls;
    }
}
