"""Host models standing in for a shop's own Customer and Order in the test suite."""
