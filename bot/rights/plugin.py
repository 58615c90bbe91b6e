"""The resident's rights (/mydata, /forget, withdrawing consent), as the assistant sees them."""

from bot.core.service import Service
from bot.rights import screens

SERVICE = Service(
    name="rights",
    verbs={screens.VERB: screens.press},
    screens={"my_data": screens.my_data_screen, "forget": screens.forget_screen},
    on_withdraw=screens.withdraw,
)
