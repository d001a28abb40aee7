from datetime import date

import factory

from bianzhi.credit_code import credit_code_complete
from bianzhi.importers import UnitRecord
from bianzhi.models import Quota, Unit, User
from evaluations.models import Campaign, CampaignTarget

TEST_PASSWORD = "test-password-123"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    kind = Unit.Kind.PARTY_GOVERNMENT
    level = Unit.Level.MUNICIPAL
    region = "市本级"


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    unit = factory.SubFactory(UnitFactory)
    kind = Quota.Kind.ADMINISTRATIVE
    approved = 20
    actual = 18


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.EVALUATOR
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"测试评估{n}")
    year = 2026


class CampaignTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignTarget

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory)


class UnitRecordFactory(factory.Factory):
    """A registry row as the importer produces it (bianzhi.importers.UnitRecord), valid by default."""

    class Meta:
        model = UnitRecord

    code = factory.Sequence(lambda n: f"R{n:04d}")
    name = factory.Sequence(lambda n: f"临川市第{n}局")
    credit_code = factory.Sequence(lambda n: credit_code_complete(f"11361000{n:09d}"))
    kind = Unit.Kind.PARTY_GOVERNMENT
    level = Unit.Level.MUNICIPAL
    region = "市本级"
    staff_as_of = date(2026, 6, 30)
    quotas = ((Quota.Kind.ADMINISTRATIVE, 20, 18),)


def campaign_tree_factory(*, actor, campaign=None):
    """A campaign with its own copy of the default indicator tree (shipped by scoring's data migration)."""
    from scoring.services import campaign_tree_copy, default_template_ensure

    campaign = campaign or CampaignTargetFactory().campaign
    return campaign_tree_copy(campaign=campaign, template=default_template_ensure(), actor=actor)
