"""Use cases: keyword-only functions over a unit-of-work factory, returning frozen DTOs."""
