"""Build helpers of the book (not part of the library): run from the repository root."""
