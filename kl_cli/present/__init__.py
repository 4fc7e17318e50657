"""What kl shows, independent of how: views (typed data and the document derived from it)."""
