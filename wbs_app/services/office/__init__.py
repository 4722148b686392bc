"""The office's own set-up: the unit tree, categories, deadlines, letterhead and letter numbers."""
