"""factory_boy factories, one module per app: `tests.factories.accounts`, `.exercises` and `.programs`.

Import a factory from its app's module (`from tests.factories.accounts import RunnerFactory`)."""
