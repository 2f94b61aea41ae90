"""Page framework glue: the scoped, masked, versioned model view, one-time form tokens, typed form
values and the pages' runner."""
