"""stoke-opendata: publish the data that shows where Stoke-on-Trent starts from and whether it is making progress."""

__version__ = "0.1.0"
