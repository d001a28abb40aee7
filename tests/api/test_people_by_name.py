"""The API names people as the pages do, by their names (User.display_name), never by their account names."""

import importlib

from django.apps import apps
from rest_framework import serializers

APPS = ("bianzhi", "evaluations", "surveys", "scoring", "reports")


def project_serializers() -> list[type]:
    for app in APPS:
        for module in (f"{app}.api.serializers", f"{app}.serializers"):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError:
                pass
    found, todo = [], [serializers.BaseSerializer]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in APPS:
            found.append(cls)
    return found


def test_no_serializer_gives_an_account_name():
    assert apps.ready
    checked = project_serializers()
    assert len(checked) > 10  # the project's serializers were found
    for cls in checked:
        if issubclass(cls, serializers.ListSerializer):
            continue
        for name, field in cls().fields.items():
            assert (field.source or "").split(".")[-1] != "username", f"{cls.__name__}.{name} shows an account name"
