from propilas.cli import main

raise SystemExit(main())
