"""Runner and physio pages, one module per area; each view is thin and calls `programs.services`/`selectors`."""
