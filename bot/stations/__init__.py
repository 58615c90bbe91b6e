"""📍 服务站点: the station list, each station's card, and a shared location's nearest station."""
