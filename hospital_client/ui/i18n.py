"""Translations: Qt Linguist .ts sources in resources/i18n, compiled to .qm by the build.

Source strings are English; Chinese (zh_CN) is the default language of the desk. Qt's own
qtbase_zh_CN.qm is loaded too so standard dialogs (file chooser, print dialog) speak Chinese;
the few strings of Qt's own file dialog that qtbase_zh_CN leaves in English (Qt 6 renamed them)
are in our catalogue under Qt's context (``QT_DIALOG_STRINGS``), which is installed after Qt's
and so is asked first.

Qt's own dialogs format sizes and dates in the system locale, which Qt reads from the
environment once, when the application is made (on Linux; Windows gives the user's own):
``use_language_locale`` makes it Chinese for a Chinese interface first. Chinese numbers keep
the decimal point, so amounts read and show as before (123.45).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from .. import paths

log = logging.getLogger(__name__)
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
CATALOG = "hospital_client"
# Qt's file dialog (the one Qt draws itself, where the system has none): "Look in", "Files of type".
QT_DIALOG_STRINGS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    # its file list's "Type" column (Qt 6 moved these to a new context qtbase_zh_CN does not have)
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Folder"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "%1 File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "File"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
)


def i18n_dir() -> Path:
    return paths.resources_dir() / "i18n"


def compile_translations(directory: Path | None = None) -> list[Path]:
    """Build .qm from .ts where missing or older (the source tree; a frozen app ships .qm)."""
    directory = directory or i18n_dir()
    built: list[Path] = []
    for ts in sorted(directory.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        subprocess.run([_lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def _lrelease() -> str:
    beside_python = Path(sys.executable).parent / "pyside6-lrelease"
    found = str(beside_python) if beside_python.exists() else shutil.which("pyside6-lrelease")
    if not found:
        raise OSError("pyside6-lrelease not found")
    return found


# The environment Qt reads the system locale from (LC_ALL overrides the others, LANG fills in).
LOCALE_CATEGORIES = ("LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES",
                     "LC_MEASUREMENT")
# What Qt's dialogs format with (numbers: file sizes; dates) and where Qt reads the locale's name.
FORMAT_CATEGORIES = ("LC_NUMERIC", "LC_TIME", "LC_MESSAGES")
CHINESE_LOCALE = "zh_CN.UTF-8"


def use_language_locale(language: str) -> None:
    """Make the system locale Qt reads Chinese for a Chinese interface (before the application
    is made: Qt reads it then): numbers, dates and messages; every other category as it was."""
    if language == "en":
        return
    everything = os.environ.pop("LC_ALL", "")
    if everything:  # LC_ALL would override the categories: spread it over them instead
        for category in LOCALE_CATEGORIES:
            os.environ.setdefault(category, everything)
    for category in FORMAT_CATEGORIES:
        if not os.environ.get(category, os.environ.get("LANG", "")).startswith("zh_CN"):
            os.environ[category] = CHINESE_LOCALE


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Install Qt's and our translators for `language` ("zh_CN" or "en"); returns them (keep a reference)."""
    translators: list[QTranslator] = []
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        return translators
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qtbase)
        translators.append(qtbase)
    ours = QTranslator(app)
    qm = i18n_dir() / f"{CATALOG}_{language}.qm"
    if not qm.exists():
        try:
            compile_translations()
        except (OSError, subprocess.CalledProcessError) as exc:
            log.warning("cannot compile translations: %s", exc)
    if ours.load(str(qm)):
        app.installTranslator(ours)
        translators.append(ours)
    else:
        log.warning("translation %s not found; the interface falls back to English", qm.name)
    return translators
