"""Per-user Fiken connections through django-allauth (OAuth2), connect-only.

A logged-in user links their Fiken account; the stored ``SocialToken`` then feeds
:class:`~django_fiken.oauth.tokens.OAuthTokenProvider`, and the companies the user granted
become ``FikenConnection`` rows (see :mod:`django_fiken.oauth.access`).
"""
