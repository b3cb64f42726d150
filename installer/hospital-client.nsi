; Windows installer for the desk client (NSIS 3, Unicode). Built by .github/workflows/windows.yml:
;   makensis -WX -DVERSION=0.1.0 -DVERSION_QUAD=0.1.0.0 -DBUNDLE_DIR=..\dist\hospital-client installer\hospital-client.nsi
; This file is UTF-8 with a byte order mark: makensis then reads it as UTF-8 whatever the build
; machine's code page (a Windows runner's is 1252, which cannot hold the Chinese strings).
;
; The bundle holds two programs (installer/hospital-client.spec): hospital-client.exe, the desk
; (windowed: no console window), and hospital-client-cli.exe, the command line (--self-test,
; settle, backup, setup, ...). Both carry installer/icons/hospital-client.ico, as do this
; installer, its uninstaller, the Start menu entries and Add/Remove Programs.
;
; Per-machine install in Program Files (administrator rights), Start menu entries, Simplified
; Chinese and English pages. Silent install with the site settings on the command line, written
; to the machine-wide site file %ProgramData%\hospital-client\site.toml (where the program looks):
;   hospital-client-0.1.0-setup.exe /S /SITECODE=H99010000001 /SITENAME=某某县人民医院 /REGION=990100
;       [/SERVER=https://central.example/api] [/PRINTER=收费处] [/POLICY=PACK_ID] [/DESK=N] [/D=C:\path]
; /DESK=N (1-10) is this window's number among the hospital's desks that share its site code
; (site.desk: local ids and msgids of two desks never collide); without it, desk 1.
; Arguments are split as Windows splits them: a value with spaces is quoted, /SITENAME="某某 医院"
; or "/SITENAME=某某 医院"; a value cannot contain a double quote. /D= comes last, unquoted.
; Without /SITECODE an existing site file is left as it is (an upgrade never touches it).
; The uninstaller keeps the settlement database (per user, %LOCALAPPDATA%\hospital-client) and
; the site file unless they are ticked on its components page, or /PURGE is given with /S.
; Exit codes (installer and uninstaller): 0 done, 1 cancelled, 2 bad site settings on the command
; line (nothing installed), 3 the program is running (nothing changed: close it and retry),
; 4 the site file could not be written.

Unicode true
; A 32-bit installer by default (the stubs every NSIS build has; it refuses to install on 32-bit
; Windows). -DAMD64_STUBS makes a 64-bit one where makensis has those stubs (Debian's does): the
; tests run it under wine64 (tests/installer/test_nsis_wine.py); the sections are the same.
!ifdef AMD64_STUBS
  Target amd64-unicode
!endif
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "0.0.0.0"
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\dist\hospital-client"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\hospital-client-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "${__FILEDIR__}\icons\hospital-client.ico"
!endif
!define APP "hospital-client"
!define EXE "hospital-client.exe"          ; the desk (windowed)
!define CLI_EXE "hospital-client-cli.exe"  ; the command line (console)
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

Name "$(APP_NAME)"
OutFile "${OUTFILE}"
; The previous install location (an upgrade goes where the first install went) is read in
; .onInit: InstallDirRegKey would read the 32-bit registry view, where the key is not.
InstallDir "$PROGRAMFILES64\${APP}"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=2052 "ProductName" "出院结算 hospital-client"
VIAddVersionKey /LANG=2052 "FileDescription" "出院结算客户端安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "hospital-client"
VIAddVersionKey /LANG=1033 "ProductName" "hospital-client (Discharge Settlement)"
VIAddVersionKey /LANG=1033 "FileDescription" "hospital-client installer"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "hospital-client"

!define MUI_ABORTWARNING
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_REGISTRY_ROOT HKLM
!define MUI_LANGDLL_REGISTRY_KEY "${UNINST_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
; "Start now" on the last page: through Explorer, so the desk runs as the logged-on user without
; the installer's administrator rights (its database and key belong to that user, section 1/9 of
; docs/operations.md), not elevated.
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_FUNCTION StartDeskUnelevated
!define MUI_UNCOMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString APP_NAME ${LANG_SIMPCHINESE} "出院结算"
LangString APP_NAME ${LANG_ENGLISH} "Discharge Settlement"
LangString SHORTCUT ${LANG_SIMPCHINESE} "出院结算"
LangString SHORTCUT ${LANG_ENGLISH} "Discharge Settlement"
LangString SHORTCUT_SELFTEST ${LANG_SIMPCHINESE} "出院结算 自检"
LangString SHORTCUT_SELFTEST ${LANG_ENGLISH} "Discharge Settlement self-test"
LangString UN_DATA ${LANG_SIMPCHINESE} "删除本用户的结算数据库和日志（不可恢复）"
LangString UN_DATA ${LANG_ENGLISH} "Delete this user's settlement database and logs (cannot be undone)"
LangString UN_SITE ${LANG_SIMPCHINESE} "删除本机的站点配置文件"
LangString UN_SITE ${LANG_ENGLISH} "Delete this machine's site settings file"
LangString ERR_64 ${LANG_SIMPCHINESE} "本程序需要 64 位 Windows。"
LangString ERR_64 ${LANG_ENGLISH} "This program needs 64-bit Windows."
LangString ERR_SITE ${LANG_SIMPCHINESE} "站点参数不完整：/SITECODE、/SITENAME 和 /REGION 必须同时给出。"
LangString ERR_SITE ${LANG_ENGLISH} "Incomplete site settings: /SITECODE, /SITENAME and /REGION are needed together."
LangString ERR_RUNNING ${LANG_SIMPCHINESE} "出院结算程序正在运行（$INSTDIR）。请在所有用户的会话中关闭它，然后点击“重试”。"
LangString ERR_RUNNING ${LANG_ENGLISH} "The Discharge Settlement program is running ($INSTDIR). Close it in every user's session, then click Retry."
LangString ERR_DESK ${LANG_SIMPCHINESE} "结算终端编号 /DESK= 应为 1 至 10 的整数。"
LangString ERR_DESK ${LANG_ENGLISH} "The desk number /DESK= must be a whole number from 1 to 10."
LangString ERR_SITEFILE ${LANG_SIMPCHINESE} "无法写入站点配置文件："
LangString ERR_SITEFILE ${LANG_ENGLISH} "Cannot write the site settings file: "

; Every language's Start menu entries (the names of SHORTCUT and SHORTCUT_SELFTEST).
!macro DELETE_SHORTCUTS
  Delete "$SMPROGRAMS\出院结算.lnk"
  Delete "$SMPROGRAMS\出院结算 自检.lnk"
  Delete "$SMPROGRAMS\Discharge Settlement.lnk"
  Delete "$SMPROGRAMS\Discharge Settlement self-test.lnk"
!macroend

Var SiteCode
Var SiteName
Var SiteRegion
Var SiteServer
Var SitePrinter
Var SitePolicy
Var SiteDesk

; --- a TOML basic string: quotes and backslashes escaped, every non-ASCII character as \uXXXX
; (or \UXXXXXXXX), so the file is plain ASCII and therefore valid UTF-8 whatever the code page.
Function TomlQuote ; in: $R0  out: $R0
  Push $0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  Push $R5
  StrCpy $R1 ""
  StrCpy $R2 0
  loop:
    StrCpy $R3 $R0 1 $R2
    StrCmp $R3 "" done
    System::Call "*(&t2 R3)p.r0"
    System::Call "*$0(&i2 .R4)"
    System::Free $0
    IntOp $R4 $R4 & 0xFFFF
    ${If} $R4 >= 0xD800
    ${AndIf} $R4 <= 0xDBFF
      ; a surrogate pair: combine with the next unit
      IntOp $R2 $R2 + 1
      StrCpy $R3 $R0 1 $R2
      System::Call "*(&t2 R3)p.r0"
      System::Call "*$0(&i2 .R5)"
      System::Free $0
      IntOp $R5 $R5 & 0xFFFF
      IntOp $R4 $R4 - 0xD800
      IntOp $R4 $R4 << 10
      IntOp $R5 $R5 - 0xDC00
      IntOp $R4 $R4 + $R5
      IntOp $R4 $R4 + 0x10000
      IntFmt $R3 "\U%08X" $R4
    ${ElseIf} $R4 > 126
    ${OrIf} $R4 < 32
      IntFmt $R3 "\u%04X" $R4
    ${ElseIf} $R3 == '"'
      StrCpy $R3 '\"'
    ${ElseIf} $R3 == "\"
      StrCpy $R3 "\\"
    ${EndIf}
    StrCpy $R1 "$R1$R3"
    IntOp $R2 $R2 + 1
    Goto loop
  done:
  StrCpy $R0 '"$R1"'
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Pop $0
FunctionEnd

; --- the value of one option from the command line, split the way Windows programs split their
; arguments (at spaces and tabs outside double quotes; the quotes removed), so that
; /SERVER=https://central.example/api keeps its slashes (FileFunc's GetOptions cuts a value at
; the next "/") and a quoted value may hold spaces. The option name is matched case-insensitively;
; the last one given wins; "" when absent.
Function SiteOption ; in: $R0 the option with its "=" (/SERVER=)  out: $R0 its value
  Push $0
  Push $1
  Push $2
  Push $3
  Push $4
  Push $5
  Push $6
  Push $7
  ${GetParameters} $0
  StrLen $1 $R0
  StrCpy $2 0   ; position in the command line
  StrCpy $3 ""  ; the argument being read
  StrCpy $4 0   ; 1 inside double quotes
  StrCpy $5 ""  ; the value found
  next_char:
    StrCpy $6 $0 1 $2
    IntOp $2 $2 + 1
    StrCmp $6 "" end_of_arg
    StrCmp $6 '"' toggle_quote
    StrCmp $4 1 append
    StrCmp $6 " " end_of_arg
    StrCmp $6 "$\t" end_of_arg
  append:
    StrCpy $3 "$3$6"
    Goto next_char
  toggle_quote:
    IntOp $4 $4 ^ 1
    Goto next_char
  end_of_arg:
    StrCpy $7 $3 $1
    StrCmp $7 $R0 0 +2
      StrCpy $5 $3 "" $1
    StrCpy $3 ""
    StrCmp $6 "" 0 next_char
  StrCpy $R0 $5
  Pop $7
  Pop $6
  Pop $5
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Pop $0
FunctionEnd

!macro SiteOption var option
  StrCpy $R0 "${option}"
  Call SiteOption
  StrCpy ${var} $R0
!macroend

; --- the program must not be running while its files are replaced or removed: a running exe
; cannot be opened for writing (whoever runs it, in any session). Retry/Cancel; silent: exit 3.
!macro CHECK_NOT_RUNNING UN
Function ${UN}CheckNotRunning
  Push $0
  Push $1
  Push $2
  check:
  StrCpy $2 ""
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      StrCpy $2 "${EXE}"
    ${Else}
      FileClose $0
    ${EndIf}
  ${EndIf}
  ${If} ${FileExists} "$INSTDIR\${CLI_EXE}"
    ClearErrors
    FileOpen $0 "$INSTDIR\${CLI_EXE}" a
    ${If} ${Errors}
      StrCpy $2 "${CLI_EXE}"
    ${Else}
      FileClose $0
    ${EndIf}
  ${EndIf}
  ClearErrors
  ${If} $2 != ""
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(ERR_RUNNING)" /SD IDCANCEL IDRETRY check
    SetErrorLevel 3
    Quit
  ${EndIf}
  Pop $2
  Pop $1
  Pop $0
FunctionEnd
!macroend
!insertmacro CHECK_NOT_RUNNING ""
!insertmacro CHECK_NOT_RUNNING "un."

Function StartDeskUnelevated
  Exec '"$WINDIR\explorer.exe" "$INSTDIR\${EXE}"'
FunctionEnd

!macro WriteKey handle key value
  StrCpy $R0 "${value}"
  Call TomlQuote
  FileWrite ${handle} "${key} = $R0$\r$\n"
!macroend

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(ERR_64)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  SetRegView 64
  ; An upgrade goes where the previous install is, unless /D= says otherwise.
  ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $0 != ""
  ${AndIf} $INSTDIR == "$PROGRAMFILES64\${APP}"
    StrCpy $INSTDIR $0
  ${EndIf}
  !insertmacro SiteOption $SiteCode "/SITECODE="
  !insertmacro SiteOption $SiteName "/SITENAME="
  !insertmacro SiteOption $SiteRegion "/REGION="
  !insertmacro SiteOption $SiteServer "/SERVER="
  !insertmacro SiteOption $SitePrinter "/PRINTER="
  !insertmacro SiteOption $SitePolicy "/POLICY="
  !insertmacro SiteOption $SiteDesk "/DESK="
  ClearErrors
  ${If} $SiteDesk != ""
    IntOp $0 $SiteDesk + 0
    ${If} "$0" != "$SiteDesk"
    ${OrIf} $0 < 1
    ${OrIf} $0 > 10
      MessageBox MB_ICONSTOP "$(ERR_DESK)" /SD IDOK
      SetErrorLevel 2
      Abort
    ${EndIf}
  ${EndIf}
  ${If} "$SiteCode$SiteName$SiteRegion$SiteServer$SitePrinter$SitePolicy$SiteDesk" != ""
    ${If} $SiteCode == ""
    ${OrIf} $SiteName == ""
    ${OrIf} $SiteRegion == ""
      MessageBox MB_ICONSTOP "$(ERR_SITE)" /SD IDOK
      SetErrorLevel 2
      Abort
    ${EndIf}
  ${EndIf}
  ${If} ${Silent}
    Call CheckNotRunning
  ${Else}
    !insertmacro MUI_LANGDLL_DISPLAY
  ${EndIf}
FunctionEnd

Section "Program" SecProgram
  SectionIn RO
  SetShellVarContext all
  Call CheckNotRunning  ; again: the directory page may have chosen another directory
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the whole bundle (no stale libraries); no data lives here.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Start menu (all users): the desk, and the self-test in a console window that stays open.
  ; The entries of the other language (an earlier install in it) go first.
  !insertmacro DELETE_SHORTCUTS
  CreateShortcut "$SMPROGRAMS\$(SHORTCUT).lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortcut "$SMPROGRAMS\$(SHORTCUT_SELFTEST).lnk" "$SYSDIR\cmd.exe" \
    '/k ""$INSTDIR\${CLI_EXE}" --self-test"' "$INSTDIR\${CLI_EXE}" 0

  ; The machine-wide site file, only when the settings are given (silent installs by IT).
  ${If} $SiteCode != ""
    CreateDirectory "$APPDATA\${APP}"
    ClearErrors
    FileOpen $1 "$APPDATA\${APP}\site.toml.tmp" w
    ${If} ${Errors}
      MessageBox MB_ICONSTOP "$(ERR_SITEFILE)$APPDATA\${APP}\site.toml" /SD IDOK
      SetErrorLevel 4
      Quit
    ${EndIf}
    FileWrite $1 "# Written by the installer ${VERSION}. See docs/operations.md ($\"Install$\").$\r$\n[site]$\r$\n"
    !insertmacro WriteKey $1 "code" $SiteCode
    !insertmacro WriteKey $1 "name" $SiteName
    !insertmacro WriteKey $1 "region" $SiteRegion
    !insertmacro WriteKey $1 "server_url" $SiteServer
    !insertmacro WriteKey $1 "printer" $SitePrinter
    !insertmacro WriteKey $1 "policy" $SitePolicy
    ${If} $SiteDesk != ""
      FileWrite $1 "desk = $SiteDesk$\r$\n"
    ${EndIf}
    FileClose $1
    ClearErrors
    Delete "$APPDATA\${APP}\site.toml"
    Rename "$APPDATA\${APP}\site.toml.tmp" "$APPDATA\${APP}\site.toml"
    ${If} ${Errors}
      MessageBox MB_ICONSTOP "$(ERR_SITEFILE)$APPDATA\${APP}\site.toml" /SD IDOK
      SetErrorLevel 4
      Quit
    ${EndIf}
  ${EndIf}

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "$(APP_NAME) (hospital-client)"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "hospital-client"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $2 $3
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "un.Program" SecUnProgram
  SectionIn RO
  SetShellVarContext all
  Call un.CheckNotRunning
  !insertmacro DELETE_SHORTCUTS
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\VERSION"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
SectionEnd

Section /o "un.$(UN_DATA)" SecUnData
  ; The settlement database and logs of the user running the uninstaller (other users' data
  ; dirs are left alone). Its key in Credential Manager is useless without it and stays.
  SetShellVarContext current
  RMDir /r "$LOCALAPPDATA\${APP}"
  SetShellVarContext all
SectionEnd

Section /o "un.$(UN_SITE)" SecUnSite
  SetShellVarContext all
  Delete "$APPDATA\${APP}\site.toml"
  Delete "$APPDATA\${APP}\site.toml.tmp"
  RMDir "$APPDATA\${APP}"
SectionEnd

; After the sections: it selects them by index.
Function un.onInit
  SetRegView 64
  ${IfNot} ${Silent}
    !insertmacro MUI_UNGETLANGUAGE
  ${EndIf}
  Call un.CheckNotRunning
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/PURGE" $1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecUnData} ${SF_SELECTED}
    SectionSetFlags ${SecUnSite} ${SF_SELECTED}
  ${EndIf}
FunctionEnd
