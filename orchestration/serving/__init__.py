"""Serving: the read-only published copy of the warehouse marts, switched atomically."""
