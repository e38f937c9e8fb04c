"""The checks of recipe-page: a package, so that they import their helpers from `.common`."""
