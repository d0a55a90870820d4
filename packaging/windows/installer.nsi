; Customer Console installer for Windows (NSIS 3, Modern UI 2).
;
; Per-user install: no administrator rights, into %LOCALAPPDATA%\Programs\Customer Console.
; Compiled by packaging/build.py with:
;   makensis -DVERSION=1.2.3 [-DFILE_VERSION=1.2.3.0] -DSOURCE_DIR=<one-folder build> -DOUT_FILE=<setup.exe>
;            [-DICON=<.ico>] installer.nsi
; The same script compiles on Linux (Debian's nsis package), so CI checks it on every run.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "Pass -DVERSION=x.y.z"
!endif
!ifndef SOURCE_DIR
  !error "Pass -DSOURCE_DIR=<the PyInstaller one-folder build>"
!endif
!ifndef FILE_VERSION
  ; Four numbers for the version resource; build.py passes them (packaging/exe_version.py), which
  ; also covers versions such as 1.2 or 2.0rc1 that "${VERSION}.0" would not turn into four numbers.
  !define FILE_VERSION "${VERSION}.0"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "CustomerConsole-${VERSION}-setup.exe"
!endif

!define APP_NAME "Customer Console"
!define APP_EXE "CustomerConsole.exe"
!define PUBLISHER "Customer Console"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\CustomerConsole"
; Where the app keeps settings, demo data, drafts and logs (platformdirs: appauthor\appname,
; console/services/paths.py).
!define USER_DATA "$LOCALAPPDATA\CustomerConsole\CustomerConsole"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "Software\CustomerConsole" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"

; Version information shown in the file's Properties dialog. VIProductVersion and VIFileVersion
; need four numbers; the strings carry the full version.
VIProductVersion "${FILE_VERSION}"
VIFileVersion "${FILE_VERSION}"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Section "${APP_NAME}" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A new version replaces the program files; the user's data lives elsewhere and is untouched.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_NAME}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}\Uninstall ${APP_NAME}.lnk" "$INSTDIR\Uninstall.exe"

  WriteRegStr HKCU "Software\CustomerConsole" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section /o "Desktop shortcut" SecDesktop
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_EXE}"
SectionEnd

LangString DESC_SecApp ${LANG_ENGLISH} "The program itself."
LangString DESC_SecDesktop ${LANG_ENGLISH} "A shortcut on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} $(DESC_SecApp)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(DESC_SecDesktop)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "un.${APP_NAME}" UnSecApp
  SectionIn RO
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APP_NAME}"
  RMDir /r "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\CustomerConsole"
SectionEnd

; Unchecked unless the user asks: settings, drafts and logs survive an uninstall (and a reinstall).
; Keychain entries are the user's and stay in Windows Credential Manager either way.
Section /o "un.Remove my settings, drafts and logs" UnSecData
  RMDir /r "${USER_DATA}"
  RMDir "$LOCALAPPDATA\CustomerConsole"  ; only if nothing else is left in it
SectionEnd

LangString DESC_UnSecApp ${LANG_ENGLISH} "The program files and shortcuts."
LangString DESC_UnSecData ${LANG_ENGLISH} "Also delete your accounts list, demo data, unsaved drafts and logs."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecApp} $(DESC_UnSecApp)
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} $(DESC_UnSecData)
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
