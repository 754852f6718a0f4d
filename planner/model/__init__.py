"""The integer program: bundles per group, the model, the solver run, the plan extracted from it."""
