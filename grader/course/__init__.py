"""The course: its exercises (catalog), the kit students get, and the exercises' self-test."""
