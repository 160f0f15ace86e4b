"""A run: its plan (inputs -> tasks -> outputs), the task handlers, the local process pool,
the Dask engine, and learning site templates."""
