"""`python -m console` runs the app."""

from console.app import main

raise SystemExit(main())
