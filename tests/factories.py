import factory

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


def campaign_tree_factory(*, actor, campaign=None):
    """A campaign with its own copy of the default indicator tree (shipped by scoring's data migration)."""
    from scoring.services import campaign_tree_copy, default_template_ensure

    campaign = campaign or CampaignTargetFactory().campaign
    return campaign_tree_copy(campaign=campaign, template=default_template_ensure(), actor=actor)
