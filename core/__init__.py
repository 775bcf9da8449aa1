"""Coachwise domain code: pure, typed, and free of any Streamlit import.

The app's pages and the command line (``python -m core``) both call into this package.
"""

__version__ = "0.1.0"
