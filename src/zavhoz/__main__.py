import sys

from zavhoz.main.cli import main

sys.exit(main())
