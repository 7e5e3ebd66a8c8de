"""brandpulse: nightly social-media sentiment monitoring for brand and CX teams."""

__version__ = "0.1.0"
