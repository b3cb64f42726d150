"""PyInstaller runtime hook, run before PyInstaller's own (custom hooks come first): when the
frozen app starts the desk window, import the desk's non-Qt code now.

PyInstaller's PySide6 hook imports Qt before the entry script, and once shiboken is loaded it
inspects every module imported after it (reading its source) — about 70 ms of the desk's
start. From source the launcher imports this code before Qt (ui/startup.py); this does the same
for the frozen app, and starts reading the database key beside Qt's loading (``begin``).
Commands (settle, backup, --self-test …) are left alone.
"""

import sys

if sys.argv[1:] in ([], ["gui"]):
    import hospital_client.ui.startup

    hospital_client.ui.startup.begin()
