"""`python -m console` runs the app."""

from console.launch import main

raise SystemExit(main())
