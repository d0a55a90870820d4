"""`python -m console.sandbox serve PROVIDER ...`: see console.sandbox.server."""

from console.sandbox.server import main

raise SystemExit(main())
