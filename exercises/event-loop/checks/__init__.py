"""The checks of event-loop: a package, so that they import their helpers from `.common`."""
