"""`make bench`: the performance targets of DESIGN.md, measured in one run (see __main__)."""
