"""Carbon results for people: Annex A report sections, summaries and charts."""
