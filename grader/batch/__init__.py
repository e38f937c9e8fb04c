"""Grading a whole class: the class folder, where gradings run, and the batch that runs them."""
