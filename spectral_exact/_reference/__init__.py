"""Implementation of :mod:`spectral_exact.testing`'s 40-digit mpmath reference, by object.

``common`` (inputs, constants), ``divided`` (divided differences of exp), ``simplex``
(simplices and polytopes) and ``network`` (networks on boxes). Nothing here imports the float
engine or the geometry stages: it is the independent route the engine is tested against.
"""
