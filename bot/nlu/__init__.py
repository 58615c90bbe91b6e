"""Understanding free text: the Rasa server, and an embedded classifier trained from the same data."""
