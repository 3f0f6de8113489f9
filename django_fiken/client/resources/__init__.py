"""One small resource class per Fiken area; see :mod:`django_fiken.client.client`."""
