"""转人工: tickets, the staff desk and the whistle (吹哨报到). Channel-agnostic: never imports telegram."""
