"""Figures for the book, drawn with Matplotlib so they change with the math.

Every function takes an optional ``ax`` (a Matplotlib Axes) to draw into, and returns the
Axes (or Figure) it drew, so a chapter can adjust titles or save it.
"""
