"""法律超市: the district justice bureau's online legal supermarket bot."""
