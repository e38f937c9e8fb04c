"""The checks of offload: a package, so that they import their helpers from `.common`."""
