"""The one exception the builder raises for bad input."""


class BuilderError(ValueError):
    """Raised with a message fit to show an editor when an input cannot be built."""
