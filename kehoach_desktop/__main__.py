from kehoach_desktop.cli import main

raise SystemExit(main())
