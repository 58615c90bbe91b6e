"""Privacy: the retention policy and its purge, consent withdrawal, and the resident's PIPL rights."""
