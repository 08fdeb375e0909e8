"""Convex: compare any two macro or market series."""
