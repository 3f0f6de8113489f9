import pytest
from django.test import override_settings

from django_fiken.conf import DEFAULTS, fiken_settings


def test_defaults_apply_when_unset():
    with override_settings(FIKEN={}):
        assert fiken_settings.BASE_URL == DEFAULTS["BASE_URL"]
        assert fiken_settings.RATE_LIMIT == 4.0


def test_nested_dicts_merge_over_defaults():
    with override_settings(FIKEN={"OAUTH": {"TOKEN_URL": "http://127.0.0.1:1/oauth/token"}}):
        oauth = fiken_settings.OAUTH
    assert oauth["TOKEN_URL"] == "http://127.0.0.1:1/oauth/token"
    assert oauth["AUTHORIZE_URL"] == DEFAULTS["OAUTH"]["AUTHORIZE_URL"]


def test_unknown_setting_is_an_error():
    with pytest.raises(AttributeError, match="NOPE"):
        fiken_settings.NOPE
