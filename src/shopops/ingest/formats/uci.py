"""(to be filled in: registers its formats on import)."""
