"""kasegeru: the case studies of Japan's 稼げる国土 and 地方創生 reports, on the command line."""

__version__ = "0.1.0"
