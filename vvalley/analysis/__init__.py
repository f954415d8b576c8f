"""Questions asked of a chain: coverage, gaps, fill candidates, what-if, compare, queries."""
