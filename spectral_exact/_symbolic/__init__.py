"""Implementation of :mod:`spectral_exact.symbolic`, one module per stage.

``rational`` (exact numbers), ``network`` (:class:`SymbolicNetwork`), ``regions`` (exact
region geometry) and ``transform`` (the exponential-polynomial transforms).
"""
