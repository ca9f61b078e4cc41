import sys

from rumourcrawl.cli import main

sys.exit(main())
