"""Optimal placement proposals for pupils without an internship (issue 15, DESIGN §5)."""
