"""Maintainer tools of the course: the student edition and its leak test (see README.md)."""
