"""Grading one submission: the runner starts the checks, the plugin runs them, a report returns."""
