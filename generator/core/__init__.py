"""What every stage shares: issues and exit codes, the configuration, package resources, output."""
