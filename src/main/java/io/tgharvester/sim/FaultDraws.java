package io.tgharvester.sim;

import io.tgharvester.sim.FaultPlan.Fault;
import java.util.SplittableRandom;

/** Which fault, if any, hits each request, drawn in arrival order from the plan's own seed so a run can be replayed. */
final class FaultDraws {
    private FaultPlan plan = FaultPlan.NONE;
    private SplittableRandom draws = new SplittableRandom(0);

    synchronized void use(FaultPlan newPlan) {
        plan = newPlan;
        draws = new SplittableRandom(newPlan.seed());
    }

    synchronized Fault next() {
        return plan.pick(draws.nextDouble());
    }

    synchronized long slowMillis() {
        return plan.slowMillis();
    }
}
