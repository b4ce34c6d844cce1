"""Domain: dataclasses, enums, rules, errors and reference data. Standard library only."""
