"""The eval harness: gold annotations, per-field scorers, reports and the quality gate."""
