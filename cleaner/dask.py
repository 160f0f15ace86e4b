"""Clean Dask collections: `clean_bag(bag, config)` and `clean_frame(ddf, "text", config)`.

The public home of the Dask helpers (`pip install 'cleaner[dask]'`); they live with the
Dask engine in `cleaner.run.dask`.
"""

from cleaner.run.dask import clean_bag, clean_frame

__all__ = ["clean_bag", "clean_frame"]
