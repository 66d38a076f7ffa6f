from bench.sync.run import main

raise SystemExit(main())
