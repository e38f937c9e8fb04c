"""What a report becomes: text for a terminal, Gradescope's results.json, a class's grades.csv."""
