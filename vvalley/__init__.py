"""vvalley: map a region's computer-vision industry chain, find its missing links, draw them."""

__version__ = "0.1.0"

__all__ = ["__version__", "load_chain", "Chain", "DataError"]


def __getattr__(name):
    # Keep `import vvalley` (and so `vvalley --help`) free of pandas until it is needed.
    if name == "load_chain":
        from vvalley.chain.load import load_chain
        return load_chain
    if name == "Chain":
        from vvalley.chain.model import Chain
        return Chain
    if name == "DataError":
        from vvalley.chain.problems import DataError
        return DataError
    raise AttributeError(name)
