from ilrs_kg.cli import main

raise SystemExit(main())
