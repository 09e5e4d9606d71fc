"""Knowledge collections on the data plane: the offline embedder, compiled indexes and retrieval.

A search is one matrix-vector product, run on the event loop's thread: BLAS worker threads
would only contend with the other processes for the cores (measured: slower, not faster).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
