"""Statistics from the workflow facts kept in clear, never from what anyone wrote (issue 21)."""
