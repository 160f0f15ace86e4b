"""The engine: segment a text into blocks, compute their features, decode a state per block,
assemble the kept text. `cleaner.engine.cleaner.Cleaner` runs these steps to a fixpoint."""
