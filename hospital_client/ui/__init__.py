"""The PySide6 desk window. Imports Qt; nothing below ui/ does."""
