"""The case page's panel of where a report came from and which cases it is linked to."""

from __future__ import annotations

from dataclasses import dataclass

from wbs_app.db import request_session
from wbs_app.investigator.forms import LinkForm, ReferUpForm, UnlinkForm
from wbs_app.models import Case, Unit
from wbs_app.security.staff_auth import signed_in
from wbs_app.services.cases import case_links, case_routing, recorded_intake
from wbs_app.services.cases.case_links import LinkedCase
from wbs_app.services.cases.recorded_intake import ChannelFacts


@dataclass
class Linking:
    facts: ChannelFacts | None
    links: list[LinkedCase]
    link_form: LinkForm
    unlink_form: UnlinkForm
    above: Unit | None
    refer_form: ReferUpForm


def linking(
    case: Case, link_form: LinkForm | None = None, refer_form: ReferUpForm | None = None
) -> Linking:
    context = signed_in()
    db = request_session()
    return Linking(
        facts=recorded_intake.channel_facts(db, case, context.staff, context.identity),
        links=case_links.links_of(db, case, context.staff),
        link_form=link_form or LinkForm(formdata=None),
        unlink_form=UnlinkForm(formdata=None),
        above=case_routing.tier_above(db, case),
        refer_form=refer_form or ReferUpForm(formdata=None),
    )
