"""PyInstaller entry script: the same entry point as the `hospital-client` console script."""

import sys

from hospital_client.launcher import main

if __name__ == "__main__":
    sys.exit(main())
