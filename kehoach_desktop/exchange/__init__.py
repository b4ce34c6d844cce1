"""Files in and out: Excel, PDF, sync and template packages, signing. No Qt, no storage."""
