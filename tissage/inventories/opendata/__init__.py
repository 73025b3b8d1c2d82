"""Open data: the validated items exported in open formats, and existing inventories imported."""
