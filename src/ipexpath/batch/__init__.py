"""Batch work at scale: re-rank many cases and compare runs, on local processes or a Dask cluster."""
