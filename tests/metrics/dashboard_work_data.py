"""The small world of the dashboard work tests (test_dashboard_custom_kpis, test_dashboard_improvement_work,
test_dashboard_inner_loop): days in 2025 and two journey groups with touchpoints on the web and in the app."""

import datetime
import zoneinfo

from tests.journeys.factories import ChannelFactory, JourneyFactory, JourneyGroupFactory, TouchpointFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = datetime.date(2025, 6, 15)
MAY = {"date_from": datetime.date(2025, 5, 1), "date_to": datetime.date(2025, 5, 31)}


def day(month: int, d: int) -> datetime.date:
    return datetime.date(2025, month, d)


def at(month: int, d: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, d, hour, minute, tzinfo=AMSTERDAM)


class World:
    """Two journey groups; journeys "Open an account" and "Move house" in the first, "Report a claim" in the
    second; touchpoints on the web and in the app."""

    def __init__(self):
        self.web = ChannelFactory(slug="web")
        self.app = ChannelFactory(slug="app")
        self.becoming, self.being = JourneyGroupFactory(name="Becoming"), JourneyGroupFactory(name="Being")
        self.account = JourneyFactory(name="Open an account", group=self.becoming)
        self.move = JourneyFactory(name="Move house", group=self.becoming)
        self.claim = JourneyFactory(name="Report a claim", group=self.being)
        self.account_web = TouchpointFactory(name="Sign-up form", stage__journey=self.account, channel=self.web)
        self.account_app = TouchpointFactory(name="App onboarding", stage__journey=self.account, channel=self.app)
        self.move_web = TouchpointFactory(name="Address change", stage__journey=self.move, channel=self.web)
        self.claim_web = TouchpointFactory(name="Claim form", stage__journey=self.claim, channel=self.web)
