"""Streamlit glue shared by the pages: the cached engine and the active dataset.

Only this package and ``app_pages/`` import streamlit; ``core`` never does.
"""
