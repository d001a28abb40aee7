"""The leaders' view: one campaign's figures, charts and tables (a campaign picker, year over year,
a unit's history), read from the stored results in a fixed number of queries; also served by the API."""
