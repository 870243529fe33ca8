"""The staff UI: templates, static files and the message catalogue."""
