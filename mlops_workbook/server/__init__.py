"""Serving a room: Voila servers over the bundled notebooks, with capacity, login and files rules."""
