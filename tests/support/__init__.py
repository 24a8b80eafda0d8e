"""Helpers shared by the tests: paths of the shipped sample, fake histories, scripted orgs."""
