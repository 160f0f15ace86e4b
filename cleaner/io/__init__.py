"""Reading and writing: local files and fsspec URLs, input formats (text, HTML, JSONL, gzip),
and output files that appear whole or not at all."""
