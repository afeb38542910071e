"""The tidy per-step frame: step detection, phases and the DataFrame builder."""
