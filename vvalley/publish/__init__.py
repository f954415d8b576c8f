"""Files people open: the report, gap files, exports, the data package; writing them safely."""
