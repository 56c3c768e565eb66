"""Developer tools: stub generation, benchmarks, fuzzing, soak and their shared harness."""
