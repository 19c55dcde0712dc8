"""Report: text, Markdown, JSON and HTML renderings of what the graph answers."""
