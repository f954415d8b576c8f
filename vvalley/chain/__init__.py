"""The chain's data: schema, CSV reading, validation (file:line), the Chain model."""
