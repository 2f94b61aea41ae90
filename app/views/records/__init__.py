"""Pages of the records: pupils, households, schools and the school calendar."""
