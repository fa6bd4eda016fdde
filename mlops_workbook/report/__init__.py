"""Reports: the report notebook's content, papermill batches with warm kernels, the room index, PDF."""
