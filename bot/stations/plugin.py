"""📍 服务站点, as the assistant sees it."""

from bot.core.service import Service
from bot.stations import screens

SERVICE = Service(
    name="stations",
    verbs={screens.VERB: screens.press_station},
    screens={"station_list": screens.station_list},
    answers={screens.NODE: screens.take_station_name},
    locations={"*": screens.nearest_station},
)
